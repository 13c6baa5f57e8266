// Retention: remove up to $limit answers logged before $before (rated ones only when $keep_rated is false), with
// their feedback. Returns how many answers went.
MATCH (a:Answer)
WHERE a.at < $before AND (NOT $keep_rated OR a.rating IS NULL)
WITH a LIMIT $limit
OPTIONAL MATCH (f:Feedback)-[:ON]->(a)
WITH a, collect(f) AS feedback
FOREACH (f IN feedback | DETACH DELETE f)
DETACH DELETE a
RETURN count(a) AS removed
