"""URLs of the scheme: /schema/ (published content and the coordinator's pages), /suivi/
(annual reporting), /connexion/ and /deconnexion/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from sdaasp.scheme.governance import views as gov
from sdaasp.scheme.procedure import views as proc
from sdaasp.scheme.programme import views as prog
from sdaasp.scheme.reporting import views as rep
from sdaasp.scheme.strategy import views as strat
from sdaasp.scheme.web import default_departement

app_name = "scheme"

S = "schema/<str:departement>/"
R = "suivi/<str:departement>/"

urlpatterns = [
    path("connexion/", auth_views.LoginView.as_view(next_page="/schema/"), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("schema/", default_departement, name="default"),
    path(S, proc.overview, name="procedure"),
    path(S + "versions/<int:number>/", proc.version_detail, name="version"),
    path(S + "procedure/transmission/", proc.transmit, name="transmit"),
    path(S + "procedure/avis/<int:pk>/", proc.opinion, name="opinion"),
    path(S + "procedure/approbation/", proc.approval, name="approval"),
    path(S + "procedure/arrete/", proc.arrete, name="arrete"),
    path(S + "procedure/publication/", proc.publish, name="publish"),
    path(S + "procedure/nouvelle-version/", proc.new_version, name="new_version"),
    path(S + "procedure/delai/", proc.clock, name="clock"),
    path(S + "strategie/", strat.strategy, name="strategy"),
    path(S + "gouvernance/", gov.governance, name="governance"),
    path(S + "gouvernance/reunion/", gov.add_meeting, name="add_meeting"),
    path(S + "convention/signataire/", gov.add_signatory, name="add_signatory"),
    path(S + "programme/", prog.programme, name="programme"),
    path(S + "groupes/<str:code>/", prog.group_detail, name="group"),
    path(S + "groupes/<str:code>/nouvelle-action/", prog.action_create, name="action_create"),
    path(S + "actions/<str:code>/", prog.action_detail, name="action"),
    path(S + "actions/<str:code>/modifier/", prog.action_edit, name="action_edit"),
    path(S + "actions/<str:code>/note/", prog.action_note, name="action_note"),
    path(S + "actions/<str:code>/etat/", prog.action_status, name="action_status"),
    path(S + "actions/<str:code>/indicateur/", prog.indicator_add, name="indicator_add"),
    path(S + "actions/<str:code>/indicateurs/<str:icode>/valeur/", prog.indicator_value,
         name="indicator_value"),
    path(S + "actions/<str:code>/budget/", prog.budget_add, name="budget_add"),
    path(S + "historique/", prog.history, name="history"),
    path("schema/api/<str:departement>/schema.json", prog.api_scheme, name="api_scheme"),
    path("schema/api/<str:departement>/actions/<str:code>/etat", prog.api_action_status,
         name="api_action_status"),
    path("suivi/", default_departement, {"to": "scheme:reporting"}, name="reporting_default"),
    path(R, rep.index, name="reporting"),
    path(R + "campagnes/nouvelle/", rep.open_campaign, name="open_campaign"),
    path(R + "<int:year>/", rep.dashboard, name="campaign"),
    path(R + "<int:year>/synthese/", rep.summary, name="summary"),
    path(R + "<int:year>/cloturer/", rep.close, name="close_campaign"),
    path(R + "<int:year>/actions/<str:code>/", rep.report_form, name="report_form"),
    path(R + "<int:year>/bilans/<int:pk>/valider/", rep.validate, name="validate_report"),
]
