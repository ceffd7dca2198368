import factory

from aftersales.catalog.models import KnowledgeArticle


class KnowledgeArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeArticle

    kind = "fault_fix"
    title = factory.Sequence(lambda n: f"文章{n}")
    symptoms = ""
    answer = "按步骤处理"
