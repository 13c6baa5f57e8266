"""Twenty questions over the sample corpus's hand-written files and its Albania article, with the answers a user
knows to be right: the feedback loop's question set (tests/training/test_feedback_loop.py)."""

QUESTIONS = [
    ("What is the capital of Albania?", "Tirana"),
    ("What is the capital of North Macedonia?", "Skopje"),
    ("What is the capital of Montenegro?", "Podgorica"),
    ("What is the capital of Bulgaria?", "Sofia"),
    ("What is the capital of Serbia?", "Belgrade"),
    ("What is the capital of Angola?", "Luanda"),
    ("What is the official language of Angola?", "Portuguese"),
    ("What is the capital of Algeria?", "Algiers"),
    ("What is the capital of Azerbaijan?", "Baku"),
    ("What is the capital of Afghanistan?", "Kabul"),
    ("What is the capital of Andorra?", "Andorra la Vella"),
    ("Where was Mother Teresa born?", "Skopje"),
    ("Where was Ismail Kadare born?", "Gjirokastër"),
    ("Where was Marie Curie born?", "Warsaw"),
    ("Where was Albert Einstein born?", "Ulm"),
    ("Who was the teacher of Alexander the Great?", "Aristotle"),
    ("What is the currency of North Macedonia?", "denar"),
    ("What is the currency of Albania?", "lek"),
    ("Which river flows through Belgrade?", "Danube"),
    ("In which country does Mount Kilimanjaro stand?", "Tanzania"),
]
