// Rate the answer $answer_id: a new (:Feedback)-[:ON]->(:Answer), and the answer's latest rating, correction and
// comment on the answer itself (what filters read). No row back: no such answer.
MATCH (a:Answer {id: $answer_id})
CREATE (f:Feedback {id: $id, rating: $rating, correction: $correction, comment: $comment, at: $at,
                    interface: $interface, key_name: $key_name, key_id: $key_id})-[:ON]->(a)
SET a.rating = $rating, a.correction = $correction, a.comment = $comment, a.rated_at = $at
RETURN f {.*} AS feedback, a.model AS model, a.adapter AS adapter
