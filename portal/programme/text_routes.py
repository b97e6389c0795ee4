"""Programme officers keep the programme's short lists (portal/programme/texts.py) on the programme blueprint: other
help (/programme/other-help) and the reasons for "not yet" (/programme/not-yet-reasons). Each is added and changed
with Welsh and Arabic beside the English, and removed only after asking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.common.forms import ButtonForm
from portal.programme import texts
from portal.programme.forms import ProgrammeTextForm
from portal.programme.routes import bp, programme_officer_any_neighbourhood
from portal.programme.texts import TextKind


@dataclass(frozen=True)
class ListWords:
    """What a list is called and what its fields mean, for its pages."""

    kind: TextKind
    heading: Any
    intro: Any
    add: Any
    title: Any
    text: Any
    with_link: bool


LISTS = {
    "other-help": ListWords(
        TextKind.OTHER_HELP,
        _l("Other help"),
        _l(
            "When a pot's questions before the form show that a small spark is not for someone, we tell them why "
            "and show them this list. Add other grants, advice services or groups that could help."
        ),
        _l("Add other help"),
        _l("Title"),
        _l("A sentence about it (optional)"),
        True,
    ),
    "not-yet-reasons": ListWords(
        TextKind.NOT_YET_REASON,
        _l("Reasons for not yet"),
        _l(
            "When a panel says not yet, it chooses one of these reasons and adds its own words. The resident reads "
            "the reason and what would help, and can try again with a copy of their idea."
        ),
        _l("Add a reason"),
        _l("The reason, as the resident reads it"),
        _l("What would help (optional)"),
        False,
    ),
}


def _list(list_name: str) -> ListWords:
    return LISTS.get(list_name) or abort(404)


def _back(list_name: str) -> Any:
    return redirect(url_for("programme.list_texts", list_name=list_name))


@bp.get("/<string:list_name>")
@programme_officer_any_neighbourhood
def list_texts(list_name: str) -> str:
    words = _list(list_name)
    return render_template(
        "programme/texts.html",
        words=words,
        list_name=list_name,
        items=texts.texts_of(words.kind),
        room_for_more=texts.room_for_more(words.kind),
    )


@bp.route("/<string:list_name>/new", methods=["GET", "POST"])
@programme_officer_any_neighbourhood
def add_text(list_name: str) -> Any:
    words = _list(list_name)
    if not texts.room_for_more(words.kind):
        flash(_("This list is full (%(most)s). Remove one to add another.", most=texts.MOST_OF_A_KIND))
        return _back(list_name)
    return _save(ProgrammeTextForm(words), list_name, words, None)


@bp.route("/<string:list_name>/<int:text_id>", methods=["GET", "POST"])
@programme_officer_any_neighbourhood
def edit_text(list_name: str, text_id: int) -> Any:
    words = _list(list_name)
    item = texts.get_text(words.kind, text_id)
    if item is None:
        return _gone(list_name)
    form = ProgrammeTextForm(words, obj=item)
    if not form.is_submitted():
        form.show_other_languages(item.other_languages or {})
    return _save(form, list_name, words, item)


def _gone(list_name: str) -> Any:
    """Someone removed it meanwhile (or followed an old link): back to the list, saying so."""
    flash(_("That has been removed from the list."))
    return _back(list_name)


def _save(form: ProgrammeTextForm, list_name: str, words: ListWords, item: Any) -> Any:
    if form.validate_on_submit():
        saved = texts.save_text(
            current_user.id,
            words.kind,
            item.id if item is not None else None,
            title=form.title.data,
            text=form.text.data or "",
            url=(form.url.data or "") if words.with_link else "",
            other_languages=form.other_languages(),
        )
        flash(_("%(title)s has been saved.", title=saved.title), "success")
        return _back(list_name)
    return render_template("programme/text_form.html", form=form, item=item, words=words, list_name=list_name)


@bp.route("/<string:list_name>/<int:text_id>/remove", methods=["GET", "POST"])
@programme_officer_any_neighbourhood
def remove_text(list_name: str, text_id: int) -> Any:
    """Asks first, then removes, and says what was removed."""
    words = _list(list_name)
    item = texts.get_text(words.kind, text_id)
    if item is None:
        return _gone(list_name)
    form = ButtonForm()
    if form.validate_on_submit():
        title = texts.remove_text(current_user.id, words.kind, text_id)
        if title is not None:
            flash(_("%(title)s has been removed.", title=title), "success")
        return _back(list_name)
    return render_template("programme/remove_text.html", form=form, item=item, words=words, list_name=list_name)
