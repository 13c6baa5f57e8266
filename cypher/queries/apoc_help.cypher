// APOC procedures and functions whose name contains $text (proves APOC is installed).
CALL apoc.help($text) YIELD type, name, text
RETURN type, name, text
LIMIT $limit
