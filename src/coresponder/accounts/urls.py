from django.urls import path

from coresponder.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("mfa/enrol/", views.mfa_enrol, name="mfa_enrol"),
    path("account/", views.account_view, name="account"),
    path("account/reauthenticate/", views.reauth_view, name="reauth"),
    path("admin/users/", views.users_view, name="users"),
    path("admin/users/<uuid:public_id>/unlock/", views.user_unlock, name="user_unlock"),
    path("admin/users/<uuid:public_id>/reset-mfa/", views.user_mfa_reset, name="user_mfa_reset"),
    path("admin/users/<uuid:public_id>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("admin/tokens/", views.tokens_view, name="tokens"),
    path("admin/tokens/<uuid:public_id>/revoke/", views.token_revoke, name="token_revoke"),
]
