// The Trellis schema. Applied by `trellis init`; every statement is idempotent.
// $dimensions is the embedding size (TRELLIS_EMBEDDING_DIMENSIONS, 384 for all-MiniLM-L6-v2).

CREATE CONSTRAINT document_id IF NOT EXISTS FOR (d:Document) REQUIRE d.id IS UNIQUE;
CREATE CONSTRAINT chunk_id IF NOT EXISTS FOR (c:Chunk) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE;

CREATE INDEX chunk_document IF NOT EXISTS FOR (c:Chunk) ON (c.document_id);
CREATE INDEX entity_name IF NOT EXISTS FOR (e:Entity) ON (e.name);

CREATE FULLTEXT INDEX chunk_text IF NOT EXISTS FOR (c:Chunk) ON EACH [c.text];
CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (e:Entity) ON EACH [e.name, e.aliases];

// The vector indexes serve dense search with TRELLIS_VECTOR_BACKEND=neo4j. Unquantized, with a denser HNSW graph than
// Neo4j's defaults (m 16, ef_construction 100, quantized), which found too few of the exact nearest neighbours
// even when asked for many more candidates (benchmarks/vector_backend.py; figures in docs/benchmarks.md).
CREATE VECTOR INDEX chunk_embedding IF NOT EXISTS FOR (c:Chunk) ON (c.embedding)
OPTIONS {indexConfig: {`vector.dimensions`: $dimensions, `vector.similarity_function`: 'cosine',
  `vector.quantization.enabled`: false, `vector.hnsw.m`: 32, `vector.hnsw.ef_construction`: 200}};
CREATE VECTOR INDEX entity_embedding IF NOT EXISTS FOR (e:Entity) ON (e.embedding)
OPTIONS {indexConfig: {`vector.dimensions`: $dimensions, `vector.similarity_function`: 'cosine',
  `vector.quantization.enabled`: false, `vector.hnsw.m`: 32, `vector.hnsw.ef_construction`: 200}};

// The answer log (api/services/answers.py) and what users said about answers (api/services/feedback.py).
CREATE CONSTRAINT answer_id IF NOT EXISTS FOR (a:Answer) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT feedback_id IF NOT EXISTS FOR (f:Feedback) REQUIRE f.id IS UNIQUE;
CREATE INDEX answer_at IF NOT EXISTS FOR (a:Answer) ON (a.at);
