"""Race Street: a pot, its chair and a member (both declared no interest), a programme officer, and a resident's
sent ideas, seeded through the services on a PostgreSQL app for the concurrency tests."""

from __future__ import annotations

from datetime import date

IDEAS = 10
AWARD = 10_000


def seed_race_street(app, budget_pence, ideas=IDEAS):
    """A pot, a chair and a member (both declared no interest), a resident's ideas; returns their ids."""
    from portal.accounts.services import create_user
    from portal.applications.models import Application, CostLine
    from portal.domain.pots import PotLimits
    from portal.domain.roles import Role
    from portal.extensions import db
    from portal.panels.services import declare_interest
    from portal.programme.services import save_neighbourhood, save_pot

    with app.app_context():
        place = save_neighbourhood(
            None, None, name="Race Street", description="d", host_organisation="h", is_active=True
        )
        place.views_needed = 0  # decisions here race each other, not views
        limits = PotLimits(
            budget_pence=budget_pence,
            max_award_pence=AWARD,
            fast_track_limit_pence=0,
            opens_on=date(2020, 1, 1),
            closes_on=date(2099, 1, 1),
            is_rolling=False,
        )
        pot = save_pot(None, place, None, name="Pot", payment_methods=["bank_transfer"], limits=limits)
        panel = {Role.RESIDENT, Role.PANEL_MEMBER}
        chair = create_user(
            "chair@example.org", "Chair", panel, panel_neighbourhood_ids=(place.id,), chair_of=(place.id,)
        )
        member = create_user("member@example.org", "Member", panel, panel_neighbourhood_ids=(place.id,))
        resident = create_user("resident@example.org", "Res", {Role.RESIDENT})
        officer = create_user("officer@example.org", "Officer", {Role.PROGRAMME_OFFICER}, password="x" * 12)
        ids = []
        for _ in range(ideas):
            idea = Application(
                pot_id=pot.id,
                applicant_id=resident.id,
                status="submitted",
                cost_lines=[CostLine(item="Things", amount_pence=AWARD)],
            )
            db.session.add(idea)
            db.session.commit()
            for person in (chair, member):
                declare_interest(idea.id, person, has_interest=False, note="")
            ids.append(idea.id)
        return {
            "pot": pot.id,
            "chair": chair.id,
            "member": member.id,
            "resident": resident.id,
            "officer": officer.id,
            "ideas": ids,
        }
