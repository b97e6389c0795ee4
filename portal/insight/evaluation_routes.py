"""The evaluator's page and download (/insight/evaluation): pseudonymised, consented data for an outside evaluation.
Programme officers see the same page, to know what evaluators get. These pages join the insight blueprint."""

from __future__ import annotations

from flask import Response, render_template
from flask_login import current_user

from portal.common.access import role_required
from portal.domain.roles import Role
from portal.insight import evaluation
from portal.insight.routes import bp

evaluators = role_required(Role.EVALUATOR, Role.PROGRAMME_OFFICER)


@bp.get("/evaluation")
@evaluators
def show_evaluation() -> str:
    return render_template("insight/evaluation.html")


@bp.get("/evaluation/small-sparks-evaluation.zip")
@evaluators
def download_evaluation() -> Response:
    return Response(
        evaluation.evaluation_zip(current_user),
        mimetype="application/zip",
        headers={
            "Content-Disposition": 'attachment; filename="small-sparks-evaluation.zip"',
            "Cache-Control": "no-store",
        },
    )
