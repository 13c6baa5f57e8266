// A page of logged answers, newest first, after the cursor ($at, $id; null: from the newest), filtered by interface,
// model, latest rating and whether there is one (each null: any). $limit is one more than the page, to tell
// whether another page follows.
MATCH (a:Answer)
WHERE ($at IS NULL OR a.at < $at OR (a.at = $at AND a.id < $id))
  AND ($interface IS NULL OR a.interface = $interface)
  AND ($model IS NULL OR a.model = $model)
  AND ($rating IS NULL OR a.rating = $rating)
  AND ($rated IS NULL OR (a.rating IS NOT NULL) = $rated)
  AND ($corrected IS NULL OR (a.correction IS NOT NULL) = $corrected)
RETURN a {.*} AS answer, COUNT { (:Feedback)-[:ON]->(a) } AS ratings
ORDER BY a.at DESC, a.id DESC
LIMIT $limit
