"""Wire shapes of the lessons library."""

from datetime import datetime

from pydantic import BaseModel, Field

from schema.enums import InitiativeStatus


class LessonHit(BaseModel):
    """A done or stopped initiative whose lessons (or title, or need) match the query."""

    initiative_id: int
    code: str
    title: str
    status: InitiativeStatus
    department_id: int
    department_code: str
    department_name: str
    closed_at: datetime | None = Field(
        description="When it moved to done or stopped; null when unknown (e.g. imported closed)."
    )
    lessons_learned: str = Field(description="The lessons, as written.")
    rank: float = Field(description="Relevance (ts_rank_cd); higher first.")
    title_html: str = Field(
        description="The title as HTML: every character escaped, the hits in <mark>."
    )
    lessons_html: str = Field(
        description="The passage of the lessons around the best hits (15 to 35 words) as"
        " HTML: every character escaped, the hits in <mark>."
    )


class SimilarLesson(LessonHit):
    """A past lesson close to a proposal: it shares at least two significant words with it."""

    shared_terms: int = Field(
        description="How many significant words of the proposal's title, need and"
        " hypothesis the lesson's document holds (in the language that shares more)."
    )
