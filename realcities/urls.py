from django.contrib import admin
from django.urls import include, path

from cities import views as city_views

urlpatterns = [
    path("", city_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("cities.urls")),
    path("", include("conversations.urls")),
    path("", include("relationships.urls")),
    path("", include("disparities.urls")),
    path("", include("library.urls")),
    path("", include("indicators.urls")),
    path("", include("equity.urls")),
    path("", include("trainings.urls")),
    path("", include("operations.urls")),
]
