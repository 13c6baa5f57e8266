// Ratings, newest first, with the answer each is on ($rating null: both; $corrected null: with or without a
// correction), at most $limit after the first $skip.
MATCH (f:Feedback)-[:ON]->(a:Answer)
WHERE ($rating IS NULL OR f.rating = $rating)
  AND ($corrected IS NULL OR (f.correction IS NOT NULL) = $corrected)
RETURN f {.*} AS feedback, a {.*} AS answer
ORDER BY f.at DESC, f.id DESC
SKIP $skip
LIMIT $limit
