// Rated answers for training and evaluation (training/feedback.py): each answer's latest rating and correction, its
// question (null when the log kept only a hash), what it said and cited, and which citations are gone.
MATCH (a:Answer)
WHERE a.rating IS NOT NULL
RETURN a.id AS id, a.question AS question, a.text AS text, a.span AS span, a.model AS model,
       a.rating AS rating, a.correction AS correction, a.chunk_ids AS chunk_ids,
       coalesce(a.gone_chunk_ids, []) AS gone_chunk_ids, a.rated_at AS rated_at
ORDER BY a.rated_at, a.id
LIMIT $limit
