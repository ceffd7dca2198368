"""The knowledge base understands a caller's everyday words: jieba word segmentation plus
the synonym table (admin rows, seeded)."""
import pytest

from aftersales.catalog.models import Synonym
from aftersales.catalog.selectors import knowledge_search
from aftersales.catalog.wording import ideas
from tests.catalog.factories import KnowledgeArticleFactory


@pytest.fixture
def articles(db):
    return {
        "boot": KnowledgeArticleFactory(title="手机无法开机", symptoms="按电源键没有反应，黑屏"),
        "charge": KnowledgeArticleFactory(title="X9 无法充电", symptoms="插上充电器没有反应"),
        "signal": KnowledgeArticleFactory(title="通话无信号", symptoms="显示无服务，打不出电话"),
        "hang": KnowledgeArticleFactory(title="系统卡死", symptoms="屏幕不动，按键无响应"),
        "screen": KnowledgeArticleFactory(title="屏幕花屏", symptoms="彩色条纹"),
    }


def titles(q):
    return [a.title for a in knowledge_search(q=q)]


@pytest.mark.parametrize("said, article", [
    ("不开机", "手机无法开机"),
    ("开不了机", "手机无法开机"),
    ("充不进电", "X9 无法充电"),
    ("没有信号", "通话无信号"),
    ("死机", "系统卡死"),
])
def test_everyday_words_find_the_article(articles, said, article):
    assert titles(said) == [article]


def test_a_whole_sentence_of_a_caller(articles):
    assert titles("我的手机不开机了怎么办") == ["手机无法开机"]
    assert titles("X9总是死机") == []  # X9 is not in the hang article: every idea must match
    assert titles("手机经常死机") == []
    assert titles("总是死机") == ["系统卡死"]


def test_the_synonyms_are_rows_an_admin_edits(articles):
    assert titles("屏幕抽风") == []
    Synonym.objects.create(words="花屏, 屏幕抽风")
    assert titles("屏幕抽风") == ["屏幕花屏"]
    Synonym.objects.filter(words__contains="卡死").update(active=False)
    assert titles("死机") == []


def test_the_seeded_groups(db):
    rows = " | ".join(Synonym.objects.values_list("words", flat=True))
    for word in ("不开机", "无法开机", "开不了机", "充不进电", "无法充电", "没有信号", "无信号",
                 "死机", "卡死", "无响应"):
        assert word in rows


def test_ideas_of_a_query():
    groups = [["不开机", "无法开机", "开不了机"]]
    assert ideas("手机不开机了怎么办", groups) == [("不开机", "无法开机", "开不了机"), ("手机",)]
    assert ideas("屏幕 摔落", []) == [("屏幕",), ("摔落",)]
    assert ideas("屏", []) == [("屏",)]


def test_hits_while_typing_on_the_archive(articles, agent, customer_factory):
    from django.test import Client

    client = Client()
    client.force_login(agent)
    customer = customer_factory()
    page = client.get(f"/customers/{customer.pk}/", {"fault": "充不进电"},
                      HTTP_HX_REQUEST="true").content.decode()
    assert "X9 无法充电" in page
    assert "手机无法开机" not in page
