"""Programme officers keep the list of other help shown to people a pot is not for (portal/programme/other_help.py),
on the programme blueprint."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.common.forms import ButtonForm
from portal.programme import other_help as services
from portal.programme.forms import OtherHelpForm
from portal.programme.routes import bp, programme_officer_any_neighbourhood


@bp.get("/other-help")
@programme_officer_any_neighbourhood
def list_other_help() -> str:
    return render_template(
        "programme/other_help.html", items=services.other_help(), room_for_more=services.room_for_more()
    )


@bp.route("/other-help/new", methods=["GET", "POST"])
@programme_officer_any_neighbourhood
def add_other_help() -> Any:
    if not services.room_for_more():
        flash(
            _(
                "There are already %(most)s pieces of other help. Remove one to add another.",
                most=services.MOST_OTHER_HELP,
            )
        )
        return redirect(url_for("programme.list_other_help"))
    return _save(OtherHelpForm(), None)


@bp.route("/other-help/<int:help_id>", methods=["GET", "POST"])
@programme_officer_any_neighbourhood
def edit_other_help(help_id: int) -> Any:
    item = services.get_other_help(help_id)
    if item is None:
        return _gone()
    form = OtherHelpForm(obj=item)
    if not form.is_submitted():
        form.show_other_languages(item.other_languages or {})
    return _save(form, item)


def _gone() -> Any:
    """Someone removed it meanwhile (or followed an old link): back to the list, saying so."""
    flash(_("That piece of other help has been removed."))
    return redirect(url_for("programme.list_other_help"))


def _save(form: OtherHelpForm, item: Any) -> Any:
    if form.validate_on_submit():
        saved = services.save_other_help(
            current_user.id,
            item.id if item is not None else None,
            title=form.title.data,
            text=form.text.data or "",
            url=form.url.data or "",
            other_languages=form.other_languages(),
        )
        flash(_("%(title)s has been saved.", title=saved.title), "success")
        return redirect(url_for("programme.list_other_help"))
    return render_template("programme/other_help_form.html", form=form, item=item)


@bp.route("/other-help/<int:help_id>/remove", methods=["GET", "POST"])
@programme_officer_any_neighbourhood
def remove_other_help(help_id: int) -> Any:
    """Asks first, then removes, and says what was removed."""
    item = services.get_other_help(help_id)
    if item is None:
        return _gone()
    form = ButtonForm()
    if form.validate_on_submit():
        title = services.remove_other_help(current_user.id, help_id)
        if title is not None:
            flash(_("%(title)s has been removed.", title=title), "success")
        return redirect(url_for("programme.list_other_help"))
    return render_template("programme/remove_other_help.html", form=form, item=item)
