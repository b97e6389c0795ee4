"""Introductions: a community builder asks two residents who share an interest whether they would like to meet
(/neighbourhoods/<slug>/people/introduce); each answers through their own link (/meet/<token>) without
signing in. These pages join the assetmap blueprint."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.assetmap import introductions, profiles, services
from portal.assetmap.forms import IntroductionAnswerForm, IntroductionForm
from portal.assetmap.routes import bp
from portal.common.access import object_access, public_because
from portal.extensions import limiter

REFUSED = {
    "not_a_builder": lambda: _("Only this neighbourhood's community builders can introduce people."),
    "same_person": lambda: _("Choose two different people"),
    "not_shared": lambda: _("Choose two people who both have that interest"),
    "already_asked": lambda: _("You have already asked these two. Wait for their answers."),
    "cannot_reach": lambda: _("We cannot reach one of them: they have no email address or mobile number with us"),
}


def _builds_here(user: Any, kwargs: dict[str, Any]) -> bool:
    return services.builds_in(user, kwargs["slug"])


@bp.route("/neighbourhoods/<string:slug>/people/introduce", methods=["GET", "POST"])
@object_access(_builds_here, "the neighbourhood's community builders, and every programme officer")
def introduce(slug: str) -> Any:
    neighbourhood = services.shown_neighbourhood(slug) or abort(404)
    found = profiles.profiles_in(neighbourhood.id)
    form = IntroductionForm()
    form.interest.choices = [SelectChoice(interest, interest) for interest, _n in profiles.shared_interests(found)]
    form.people.choices = [SelectChoice(p.user_id, p.user.name or _("A resident")) for p in found]
    if form.validate_on_submit():
        first, second = form.people.data
        try:
            introductions.introduce(current_user, neighbourhood.id, first, second, form.interest.data)
        except introductions.IntroductionRefused as refused:
            form.people.errors = [REFUSED[refused.reason]()]
        else:
            flash(_("We have asked them both. Each learns who the other is only if both say yes."), "success")
            return redirect(url_for("assetmap.list_people", slug=slug))
    hints = [{"hint": {"text": ", ".join(p.interests or [])}} for p in found]
    return render_template("assetmap/introduce.html", neighbourhood=neighbourhood, form=form, hints=hints)


@bp.route("/meet/<string:token>", methods=["GET", "POST"])
@public_because("a single-use link sent to one resident; it names nobody")
@limiter.limit("20 per minute", methods=["POST"])
def answer_introduction(token: str) -> Any:
    side = introductions.side_for(token)
    if side is None:
        return render_template("errors/link_gone.html"), 404
    form = IntroductionAnswerForm()
    if side.waiting_for_me and form.validate_on_submit():
        side = introductions.answer(token, form.answer.data == "yes")
    return render_template("assetmap/introduction.html", side=side, form=form)
