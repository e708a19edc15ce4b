from django.urls import path

from artchart.sso import views

app_name = "sso"

urlpatterns = [
    path("sso/login/", views.sign_in_start, name="login"),
    path("sso/callback/", views.sign_in_callback, name="callback"),
    path("manage/sign-in/", views.sign_in_settings, name="sign_in_settings"),
]
