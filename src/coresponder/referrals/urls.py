from django.urls import path

from coresponder.referrals import referral_views, views

app_name = "referrals"

urlpatterns = [
    # The community-partner directory
    path("directory/", views.search_view, name="search"),
    path("directory/services/<uuid:service_id>/", views.service_view, name="service"),
    path("directory/manage/", views.manage_view, name="manage"),
    path("directory/manage/service/", views.manage_service_view, name="manage_service"),
    # Referrals
    path("referrals/", referral_views.referral_list_view, name="list"),
    path("referrals/new/", referral_views.referral_new_view, name="new"),
    path("referrals/<uuid:public_id>/", referral_views.referral_view, name="referral"),
    path("referrals/<uuid:public_id>/send/", referral_views.referral_send_view, name="send"),
    path(
        "referrals/<uuid:public_id>/status/",
        referral_views.referral_transition_view,
        name="transition",
    ),
    path("referrals/<uuid:public_id>/link/", referral_views.referral_link_view, name="link"),
    path("referrals/<uuid:public_id>/print/", referral_views.referral_print_view, name="print"),
    # Consents and the accounting of disclosures, per person
    path("people/<uuid:public_id>/consents/", referral_views.consents_view, name="consents"),
    path(
        "people/<uuid:public_id>/disclosures/",
        referral_views.disclosures_view,
        name="disclosures",
    ),
    path("consents/<uuid:public_id>/stop/", referral_views.consent_stop_view, name="consent_stop"),
    # A partner's signed link (no sign-in)
    path(
        "partner/referrals/<uuid:public_id>/<str:token>/",
        referral_views.partner_view,
        name="partner",
    ),
]
