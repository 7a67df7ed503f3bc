from cicopa.registry.ranking import rank


def test_name_beats_description_and_ties_break_by_id():
    docs = [
        (1, "carpentry works", "also lyon"),
        (2, "lyon builders", "carpentry"),
        (3, "lyon builders", "carpentry"),
    ]
    assert rank(docs, ["lyon"], 3) == [2, 3, 1]


def test_every_word_counts_and_prefixes_match():
    docs = [(1, "harbour joinery", ""), (2, "harbour taxis", ""), (3, "joinery", "harbour town")]
    assert rank(docs, ["harb", "join"], 2) == [1, 3]


def test_shorter_names_rank_first_for_the_same_hits():
    docs = [(1, "scop", ""), (2, "scop du batiment et des travaux publics de la region", "")]
    assert rank(docs, ["scop"], 2) == [1, 2]


def test_rarer_words_weigh_more():
    docs = [(i, "cooperativa", "") for i in range(1, 9)] + [(9, "cooperativa aurora", ""), (10, "aurora", "")]
    assert rank(docs, ["cooperativa", "aurora"], 1) == [9]


def test_limits_and_empty():
    assert rank([], ["x"], 5) == []
    assert rank([(1, "a", "")], ["a"], 0) == []
    assert len(rank([(i, "a", "") for i in range(100)], ["a"], 7)) == 7
