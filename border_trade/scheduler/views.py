"""Admin page: the scheduler's leader, next planned runs and recent runs."""

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from ..auth.permissions import require
from ..extensions import db
from ..types import utcnow
from .models import JobRun
from .queries import get_leader
from .runner import next_runs

blp = Blueprint("scheduler", __name__)


@blp.route("/admin/scheduler")
@login_required
def overview():
    """Show who leads, what runs next and how the last runs went."""
    require(current_user, "scheduler.read")
    runs = db.session.scalars(sa.select(JobRun).order_by(JobRun.id.desc()).limit(100)).all()
    return render_template(
        "scheduler/overview.html",
        leader=get_leader(utcnow()),
        upcoming=next_runs(current_app._get_current_object()),
        runs=runs,
    )
