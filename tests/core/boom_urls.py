"""A URLconf with one view that fails, to prove a 500 under /api/ keeps the error shape."""
from django.urls import include, path

from aftersales import urls


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("api/v1/boom", boom), *urls.urlpatterns, path("", include([]))]
