// Every document's id and title, in pages by id: the titles by which retrieval finds an entity's own article.
// $after: the last id of the previous page ('' for the first); $limit: the page size.
MATCH (d:Document)
WHERE d.id > $after AND d.title IS NOT NULL
RETURN d.id AS id, d.title AS title
ORDER BY d.id
LIMIT $limit
