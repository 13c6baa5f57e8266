// Entities by id, with name, type and aliases. $ids: entity ids.
UNWIND $ids AS id
MATCH (e:Entity {id: id})
RETURN e.id AS id, e.name AS name, e.type AS type, coalesce(e.aliases, []) AS aliases
