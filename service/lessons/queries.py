"""SQL of the lessons library: ranked search and the past lessons closest to a proposal.

Every function returns SQL text; values travel as bound parameters. The searched vector is
`initiative_lesson.document` (migration 0014: lessons, title and user need of each done or
stopped initiative, parsed in French and in English); a query is parsed the same two ways
and either parse may match.
"""

# Around each hit in a headline: two private-use characters no stored text keeps (they
# are removed from the text first), turned into <mark> once the rest is escaped.
START, STOP = "\ue000", "\ue001"
_STRIP_MARKS = f"'{START}{STOP}'"

# The lessons: the passage around the best hits, 15 to 35 words (a short lesson whole).
LESSON_OPTIONS = f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15"
TITLE_OPTIONS = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"

# ts_rank_cd normalisation 1: the rank is divided by 1 + log(document length), so a long
# lesson does not outrank a short one only by being long.
RANK = "ts_rank_cd(l.document, q.query, 1)"

# The query the user typed, parsed as web search syntax ("quoted phrase", or, -word) in
# both languages; either parse may match (once when both parse alike).
QUERY_CTE = """
q AS MATERIALIZED (
    SELECT fr, en, CASE WHEN fr = en THEN fr ELSE fr || en END AS query
    FROM (SELECT websearch_to_tsquery('french', :q) AS fr,
                 websearch_to_tsquery('english', :q) AS en) parsed
)"""


def _headlines(alias: str) -> str:
    """The French and English headlines of the title and the lessons of `alias`."""
    parts = []
    for column, options in (("title", "title_options"), ("lessons_learned", "lesson_options")):
        text = f"translate({alias}.{column}, {_STRIP_MARKS}, '')"
        for config in ("fr", "en"):
            name = "french" if config == "fr" else "english"
            parts.append(
                f"ts_headline('{name}', {text}, q.{config}, :{options}) AS {column}_{config}"
            )
    return ",\n    ".join(parts)


def _hit_columns(alias: str) -> str:
    return f"""i.id AS initiative_id, i.code, i.title, i.status, i.department_id,
    d.code AS department_code, d.name AS department_name, {alias}.closed_at,
    i.lessons_learned, {_headlines("i")}"""


def search(*, department: bool, after: bool) -> str:
    """One page of hits for :q, best first (rank, then initiative id), after the cursor
    (:rank, :after) when `after`, in department :department_id when `department`."""
    in_department = (
        " AND EXISTS (SELECT 1 FROM initiative f"
        " WHERE f.id = l.initiative_id AND f.department_id = :department_id)"
        if department
        else ""
    )
    past_cursor = (
        " WHERE r.rank < CAST(:rank AS real)"
        " OR (r.rank = CAST(:rank AS real) AND r.initiative_id > :after)"
        if after
        else ""
    )
    return f"""
WITH {QUERY_CTE},
ranked AS (
    SELECT l.initiative_id, {RANK} AS rank
    FROM initiative_lesson l CROSS JOIN q
    WHERE l.document @@ q.query{in_department}
),
page AS (
    SELECT r.initiative_id, r.rank FROM ranked r{past_cursor}
    ORDER BY r.rank DESC, r.initiative_id
    LIMIT :limit
)
SELECT p.rank, {_hit_columns("l")}
FROM page p
JOIN initiative i ON i.id = p.initiative_id
JOIN department d ON d.id = i.department_id
JOIN initiative_lesson l ON l.initiative_id = p.initiative_id
CROSS JOIN q
ORDER BY p.rank DESC, p.initiative_id"""


# Lexemes too common to tell lessons apart: in more than :common_share of the lessons'
# documents and more than :common_count of them, as the table's statistics (ANALYZE's most
# common elements) count them. A small library has no such word.
COMMON_CTE = """
common AS MATERIALIZED (
    SELECT coalesce(array_agg(x.lexeme), '{}') AS lexemes
    FROM pg_stats s
    CROSS JOIN LATERAL unnest(
        CAST(CAST(s.most_common_elems AS text) AS text[]), s.most_common_elem_freqs
    ) AS x(lexeme, freq)
    CROSS JOIN pg_class c
    WHERE s.schemaname = current_schema() AND s.tablename = 'initiative_lesson'
        AND s.attname = 'document' AND c.oid = CAST('initiative_lesson' AS regclass)
        AND x.lexeme IS NOT NULL AND x.freq > :common_share
        AND x.freq * c.reltuples > :common_count
)"""


# The significant words of a text: the words neither language drops as a stop word (an
# English "the" is no French stop word, a French "dans" no English one), without numbers,
# one- or two-letter stems and common lexemes; `terms.fr` their French lexemes, `terms.en`
# their English ones.
def _terms(text: str) -> str:
    def lexemes(config: str) -> str:
        return f"""ARRAY(
        SELECT DISTINCT t FROM words w, unnest(tsvector_to_array(w.{config})) t, common
        WHERE w.fr <> '' AND w.en <> '' AND length(t) > 2 AND t !~ '^[0-9]'
            AND t <> ALL(common.lexemes)
    )"""

    return f"""{COMMON_CTE},
words AS MATERIALIZED (
    SELECT to_tsvector('french', p.token) AS fr, to_tsvector('english', p.token) AS en
    FROM ts_parse('default', ({text})) p
),
terms AS MATERIALIZED (
    SELECT {lexemes("fr")} AS fr_terms, {lexemes("en")} AS en_terms
)"""


def _any_of(terms: str) -> str:
    """A tsquery matching any of the lexemes `terms` (text[]), quoted by PostgreSQL itself:
    the lexemes' tsvector text form ('a' 'b') joined with | ('a' | 'b')."""
    return f"CAST(replace(CAST(array_to_tsvector({terms}) AS text), ''' ''', ''' | ''') AS tsquery)"


# The proposal's words: its title, user need and hypothesis.
PROPOSAL_TEXT = (
    "SELECT concat_ws(' ', s.title, s.user_need, s.hypothesis) FROM initiative s"
    " WHERE s.id = :initiative_id"
)

SIMILAR = f"""
WITH {_terms(PROPOSAL_TEXT)},
q AS MATERIALIZED (
    SELECT fr_terms, en_terms, {_any_of("fr_terms")} AS fr, {_any_of("en_terms")} AS en,
           {_any_of("fr_terms")} || {_any_of("en_terms")} AS query
    FROM terms
),
ranked AS (
    SELECT l.initiative_id, {RANK} AS rank,
        greatest(
            length(l.document) - length(ts_delete(l.document, q.fr_terms)),
            length(l.document) - length(ts_delete(l.document, q.en_terms))
        ) AS shared
    FROM initiative_lesson l CROSS JOIN q
    WHERE l.document @@ q.query AND l.initiative_id <> :initiative_id
),
page AS (
    SELECT r.initiative_id, r.rank, r.shared FROM ranked r
    WHERE r.shared >= :min_shared
    ORDER BY r.shared DESC, r.rank DESC, r.initiative_id
    LIMIT :limit
)
SELECT p.rank, p.shared AS shared_terms, {_hit_columns("l")}
FROM page p
JOIN initiative i ON i.id = p.initiative_id
JOIN department d ON d.id = i.department_id
JOIN initiative_lesson l ON l.initiative_id = p.initiative_id
CROSS JOIN q
ORDER BY p.shared DESC, p.rank DESC, p.initiative_id"""
