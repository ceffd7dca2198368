"""Knowledge base (知识库): faults per model with fixes and FAQ answers, searched in Chinese."""
import pytest
from django.db import connection

from aftersales.catalog.knowledge_demo import ARTICLES, load_knowledge_demo
from aftersales.catalog.models import KnowledgeArticle
from aftersales.catalog.selectors import knowledge_search
from tests.catalog.factories import KnowledgeArticleFactory


@pytest.fixture
def x9(product_model_factory):
    return product_model_factory(code="X9", name="星耀 X9")


@pytest.fixture
def a5(product_model_factory):
    return product_model_factory(code="A5", name="星耀 A5")


def titles(response):
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_substring_search_in_chinese_over_title_symptoms_and_answer(agent_api):
    # given
    KnowledgeArticleFactory(title="屏幕花屏", symptoms="彩色条纹")
    KnowledgeArticleFactory(title="无法开机", symptoms="黑屏不亮")
    KnowledgeArticleFactory(title="充电慢", answer="更换原装充电器")
    # when / then
    assert titles(agent_api.get("/knowledge", {"q": "花屏"})) == ["屏幕花屏"]
    assert titles(agent_api.get("/knowledge", {"q": "黑屏"})) == ["无法开机"]
    assert titles(agent_api.get("/knowledge", {"q": "原装"})) == ["充电慢"]
    # a title hit ranks before a symptoms hit
    assert titles(agent_api.get("/knowledge", {"q": "屏"})) == ["屏幕花屏", "无法开机"]


def test_every_term_must_match(agent_api):
    # given
    KnowledgeArticleFactory(title="X9 屏幕花屏", symptoms="摔落后闪烁")
    KnowledgeArticleFactory(title="T10 屏幕闪烁", symptoms="亮度低")
    # when
    found = titles(agent_api.get("/knowledge", {"q": "屏幕 摔落"}))
    # then
    assert found == ["X9 屏幕花屏"]


def test_case_insensitive_for_latin_text(agent_api):
    KnowledgeArticleFactory(title="WiFi 连不上")
    assert titles(agent_api.get("/knowledge", {"q": "wifi"})) == ["WiFi 连不上"]


def test_title_hits_rank_before_body_hits(agent_api):
    # given: the newer article mentions the phrase only in its answer
    KnowledgeArticleFactory(title="电池鼓包", answer="停止使用")
    KnowledgeArticleFactory(title="续航短", answer="检查电池鼓包情况")
    # when
    found = titles(agent_api.get("/knowledge", {"q": "电池鼓包"}))
    # then
    assert found == ["电池鼓包", "续航短"]


def test_model_filter_keeps_the_models_and_the_general_articles(agent_api, x9, a5):
    # given
    KnowledgeArticleFactory(title="通用：如何重启")
    KnowledgeArticleFactory(title="X9 花屏", model=x9)
    KnowledgeArticleFactory(title="A5 按键失灵", model=a5)
    # when
    found = titles(agent_api.get("/knowledge", {"model": "X9"}))
    # then: the model's own article first, other models' articles left out
    assert found == ["X9 花屏", "通用：如何重启"]


def test_fault_code_and_kind_filters(agent_api, fault_code_factory):
    # given
    screen = fault_code_factory(code="F-SCR", name="花屏")
    KnowledgeArticleFactory(title="换屏", fault_code=screen)
    KnowledgeArticleFactory(title="保修怎么算", kind="faq")
    # when / then
    assert titles(agent_api.get("/knowledge", {"fault_code": "F-SCR"})) == ["换屏"]
    assert titles(agent_api.get("/knowledge", {"kind": "faq"})) == ["保修怎么算"]


def test_the_fault_name_is_searched_too(agent_api, fault_code_factory):
    KnowledgeArticleFactory(title="处理步骤一", fault_code=fault_code_factory(code="F-AUD",
                                                                              name="无声音"))
    body = agent_api.get("/knowledge", {"q": "无声音"}).json()
    assert [(i["title"], i["fault_code"], i["fault_name"]) for i in body["items"]] == [
        ("处理步骤一", "F-AUD", "无声音")]


def test_inactive_articles_are_not_found(agent_api):
    KnowledgeArticleFactory(title="旧方法", active=False)
    assert titles(agent_api.get("/knowledge", {"q": "旧方法"})) == []


def test_search_costs_three_queries_however_many_articles(x9, fault_code_factory,
                                                        django_assert_num_queries):
    # given
    fault = fault_code_factory(code="F-BAT", name="电池")
    for n in range(5):
        KnowledgeArticleFactory(title=f"电池问题{n}", model=x9, fault_code=fault)
    # when / then: the synonyms, the fault codes whose name matches, then the articles
    with django_assert_num_queries(3):
        rows = list(knowledge_search(q="电池", model="X9"))
        assert [(r.model.code, r.fault_code.code) for r in rows] == [("X9", "F-BAT")] * 5


def test_create_an_article_through_the_api(admin_api, x9, fault_code_factory):
    # given
    fault_code_factory(code="F-SCR", name="花屏")
    # when
    response = admin_api.post("/knowledge", {"title": "X9 花屏", "symptoms": "条纹",
                                             "answer": "更换屏幕", "model": "X9",
                                             "fault_code": "F-SCR"})
    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["model"], body["fault_code"]) == ("fault_fix", "X9", "F-SCR")
    assert admin_api.get(f"/knowledge/{body['id']}").json()["answer"] == "更换屏幕"


def test_an_unknown_model_is_422_and_nothing_is_created(admin_api):
    response = admin_api.post("/knowledge", {"title": "t", "answer": "a", "model": "NOPE"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "model"
    assert not KnowledgeArticle.objects.exists()


def test_an_agent_cannot_write_the_knowledge_base(agent_api):
    response = agent_api.post("/knowledge", {"title": "t", "answer": "a"})
    assert response.status_code == 403
    assert not KnowledgeArticle.objects.exists()


def test_an_empty_answer_is_422(admin_api):
    response = admin_api.post("/knowledge", {"title": "t", "answer": "  "})
    assert (response.status_code, response.json()["error"]["field"]) == (422, "answer")


def test_an_unknown_article_is_404(agent_api):
    assert agent_api.get("/knowledge/999").status_code == 404


def test_the_search_needs_a_token(anon_api):
    assert anon_api.get("/knowledge").status_code == 401


def test_demo_articles_load_once(admin_user, x9, fault_code_factory):
    # given
    fault_code_factory(code="F-SCR", name="屏幕不显示/花屏")
    # when
    first = load_knowledge_demo()
    second = load_knowledge_demo()
    # then
    assert (first, second) == (len(ARTICLES), 0)
    article = KnowledgeArticle.objects.get(title="X9 屏幕花屏或闪烁")
    assert (article.model.code, article.fault_code.code) == ("X9", "F-SCR")
    assert [a.title for a in knowledge_search(q="进度")] == ["如何查询维修进度"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_postgresql_trigram_indexes_serve_djangos_substring_lookups(db):
    # given
    KnowledgeArticleFactory(title="屏幕花屏闪烁")
    plans = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = "
                       "'catalog_knowledgearticle' AND indexname LIKE '%%trgm'")
        indexes = sorted(row[0] for row in cursor.fetchall())
        # when: with sequential scans off, the plan shows whether an index can serve
        cursor.execute("SET enable_seqscan = off")
        for field in ("title", "symptoms", "answer"):
            plans[field] = KnowledgeArticle.objects.filter(
                **{f"{field}__icontains": "花屏闪"}).explain()
        cursor.execute("SET enable_seqscan = on")
    # then: the index expression is exactly the one Django's icontains produces
    assert indexes == ["knowledge_answer_trgm", "knowledge_symptoms_trgm",
                       "knowledge_title_trgm"]
    for field, plan in plans.items():
        assert f"knowledge_{field}_trgm" in plan
