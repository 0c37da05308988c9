from django.urls import path

from coresponder.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.caseload_view, name="caseload"),
    path("reassign/", views.reassign_view, name="reassign"),
    path("my-day/", views.my_day_view, name="my_day"),
    path("people/", views.people_view, name="people"),
    path("people/new/", views.person_new_view, name="person_new"),
    path("people/<uuid:public_id>/", views.person_view, name="person"),
    path("people/<uuid:public_id>/edit/", views.person_edit_view, name="person_edit"),
    path("new/", views.case_new_view, name="new"),
    path("<uuid:public_id>/", views.case_view, name="detail"),
    path("<uuid:public_id>/edit/", views.case_edit_view, name="edit"),
    path("<uuid:public_id>/status/", views.case_status_view, name="status"),
    path("<uuid:public_id>/encounters/new/", views.encounter_new_view, name="encounter_new"),
    path("<uuid:public_id>/notes/new/", views.note_new_view, name="note_new"),
    path("<uuid:public_id>/assessments/new/", views.assessment_new_view, name="assessment_new"),
    path("<uuid:public_id>/safety-plan/", views.safety_plan_view, name="safety_plan"),
    path("<uuid:public_id>/tasks/new/", views.task_new_view, name="task_new"),
    path("notes/<uuid:public_id>/", views.note_view, name="note"),
    path("notes/<uuid:public_id>/amend/", views.note_amend_view, name="note_amend"),
    path("tasks/<uuid:public_id>/complete/", views.task_complete_view, name="task_complete"),
]
