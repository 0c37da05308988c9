from django.urls import path

from coresponder.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plans_view, name="overview"),
    path("people/<uuid:person_id>/new/", views.plan_new_view, name="plan_new"),
    path("<uuid:public_id>/", views.plan_view, name="plan"),
    path("<uuid:public_id>/edit/", views.plan_edit_view, name="plan_edit"),
    path("<uuid:public_id>/decide/", views.plan_decide_view, name="plan_decide"),
    path("<uuid:public_id>/photo/", views.plan_photo_view, name="photo"),
    path("<uuid:public_id>/photo/upload/", views.plan_photo_upload_view, name="photo_upload"),
    path("premises/new/", views.note_new_view, name="note_new"),
    path("premises/<uuid:public_id>/decide/", views.note_decide_view, name="note_decide"),
    path("consults/", views.consults_view, name="consults"),
    path("consults/new/", views.consult_new_view, name="consult_new"),
    path("consults/<uuid:public_id>/", views.consult_view, name="consult"),
]
