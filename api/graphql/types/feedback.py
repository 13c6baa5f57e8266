"""What ``rateAnswer`` returns: the stored rating, or an error that says what to fix."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from trellis.api.graphql.types.logged_answer import Rating
from trellis.api.graphql.types.results import OperationError
from trellis.api.services.feedback import StoredFeedback

__all__ = ["AnswerRated", "RateAnswerResult"]


@strawberry.type(description="The rating is stored: it is the answer's latest.")
class AnswerRated:
    id: strawberry.ID
    answer_id: strawberry.ID
    rating: Rating
    correction: str | None
    comment: str | None
    at: datetime

    @classmethod
    def from_domain(cls, feedback: StoredFeedback) -> AnswerRated:
        return cls(
            id=strawberry.ID(feedback.id),
            answer_id=strawberry.ID(feedback.answer_id),
            rating=Rating(feedback.rating),
            correction=feedback.correction,
            comment=feedback.comment,
            at=feedback.at,
        )


RateAnswerResult = Annotated[AnswerRated | OperationError, strawberry.union("RateAnswerResult")]
