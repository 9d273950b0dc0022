"""The suggested category: jieba words and a small naive Bayes, learned from the community's requests."""

import time

from loudong.policy.models import current_rules, save_rules
from loudong.policy.rules import Category
from loudong.tickets import actions
from loudong.tickets.suggest import classify
from loudong.tickets.suggest import text as suggest_text
from loudong.tickets.suggest.classify import NaiveBayes, guess_category, model_for, seed_examples, train
from loudong.tickets.suggest.text import words

DEFAULT_CATEGORIES = [("policy", "政策咨询"), ("environment", "环境卫生"), ("hardship", "困难需求")]


def test_seed_set_is_about_150_requests_across_the_three_categories():
    examples = seed_examples()
    assert 140 <= len(examples) <= 170
    assert {code for _, code in examples} == {"policy", "environment", "hardship"}
    assert len({text for text, _ in examples}) == len(examples)  # no repeats


def test_classifier_is_right_on_at_least_70_percent_of_held_out_seed_requests():
    examples = seed_examples()
    held_out = examples[2::5]  # every fifth request, never seen in training
    training = [e for i, e in enumerate(examples) if i % 5 != 2]
    model = train(training, DEFAULT_CATEGORIES)
    right = sum(model.predict(words(text)) == code for text, code in held_out)
    accuracy = right / len(held_out)
    print(f"\nclassifier accuracy on {len(held_out)} held-out seed requests: {accuracy:.2f}")
    assert accuracy >= 0.7


def test_words_drop_punctuation_and_filler():
    assert words("请问，医保报销怎么办？") == ("医保", "报销", "怎么办")
    assert "的" not in words("楼道里的杂物")


def test_naive_bayes_probabilities_add_up_and_unknown_words_give_the_prior():
    documents = [(["垃圾", "楼道"], "environment"), (["医保"], "policy"), (["医保", "报销"], "policy")]
    model = NaiveBayes().fit(documents)
    probabilities = model.probabilities(["医保"])
    assert abs(sum(probabilities.values()) - 1) < 1e-9 and max(probabilities, key=probabilities.get) == "policy"
    assert abs(model.probabilities(["从没见过的词"])["policy"] - 1 / 2) < 1e-9  # uniform prior by default
    fitted = NaiveBayes(fit_prior=True).fit(documents)
    assert abs(fitted.probabilities(["从没见过的词"])["policy"] - 2 / 3) < 1e-9


def test_a_new_community_gets_suggestions_from_the_seed_set(world):
    guesses = guess_category(world.community.pk, "楼下垃圾桶满了，臭得很")
    assert guesses[0].code == "environment" and guesses[0].name == "环境卫生"
    assert 0.5 < guesses[0].confidence <= 1 and len(guesses) == 3


def test_the_leaders_queue_gets_the_most_likely_category_of_a_request(world):
    req = actions.place_request(
        community=world.community,
        building=world.building,
        category_code="environment",
        description="我八十岁了，高龄津贴怎么申请，需要什么材料",
    )
    guess = classify.suggest_category(req)
    assert guess.code == "policy" and 0 < guess.percent <= 100


def test_a_category_an_admin_adds_is_suggested_from_its_name_then_from_its_requests(world):
    rules = current_rules(world.community.pk)
    categories = (*rules.categories, Category("dispute", "邻里纠纷", 24, 3))
    save_rules(world.community.pk, type(rules)(**{**rules.__dict__, "categories": categories}))
    assert guess_category(world.community.pk, "和楼上邻居闹纠纷了")[0].code == "dispute"

    for text in ["楼上半夜蹦迪吵得睡不着", "楼上每天半夜剁肉吵死了", "楼上小孩半夜跑跳吵得没法睡"]:
        req = actions.place_request(
            community=world.community, building=world.building, category_code="dispute", description=text
        )
        actions.dispatch(req, world.wang_member, by=world.leader)  # triaged: now a training example
    assert guess_category(world.community.pk, "楼上半夜太吵了")[0].code == "dispute"


def test_the_model_is_cached_and_retrained_when_the_requests_change(world):
    first = model_for(world.community.pk)
    assert model_for(world.community.pk) is first
    actions.place_request(
        community=world.community, building=world.building, category_code="policy", description="医保报销怎么办"
    )
    assert model_for(world.community.pk) is not first


def test_a_suggestion_from_the_cached_model_takes_a_few_milliseconds(world):
    model_for(world.community.pk)
    started = time.perf_counter()
    for _ in range(100):
        guess_category(world.community.pk, "楼道里堆放杂物很多，麻烦清理一下")
    per_guess = (time.perf_counter() - started) / 100
    print(f"\none category suggestion: {per_guess * 1000:.2f} ms")
    assert per_guess < 0.05


def test_stored_dictionary_is_jiebas_most_frequent_words(tmp_path):
    fresh = tmp_path / "dictionary.txt"
    suggest_text.write_dictionary(fresh)
    assert fresh.read_text(encoding="utf-8") == suggest_text.DICTIONARY.read_text(encoding="utf-8"), (
        "loudong/tickets/suggest/dictionary.txt is stale: rebuild it with write_dictionary()"
    )
    assert len(fresh.read_text(encoding="utf-8").splitlines()) == suggest_text.DICTIONARY_WORDS
