"""Advisor's records -> proto messages."""

from __future__ import annotations

import json

from skyulf.advisor.v1 import advisor_pb2
from skyulf_core.advisor import Recommendation


def recommendation_to_proto(r: Recommendation) -> advisor_pb2.Recommendation:
    return advisor_pb2.Recommendation(
        id=r.id,
        rule=r.rule,
        title=r.title,
        message=r.message,
        columns=list(r.columns),
        severity=r.severity,
        node=advisor_pb2.SuggestedNode(
            type=r.node.type, params_json=json.dumps(r.node.params, default=str)
        ),
    )
