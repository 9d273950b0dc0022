"""The stored pinyin table is pypinyin's single-character reading for every character pypinyin knows."""

from loudong.lib import pinyin


def test_stored_table_matches_pypinyin(tmp_path):
    fresh = tmp_path / "table.txt"
    pinyin.write_table(fresh)
    assert fresh.read_text(encoding="ascii") == pinyin.TABLE.read_text(encoding="ascii"), (
        "loudong/lib/pinyin_table.txt is stale: rebuild it with loudong.lib.pinyin.write_table()"
    )


def test_names_read_as_in_names():
    assert pinyin.name_keys("刘光前") == ("liuguangqian", "lgq")
    assert pinyin.name_keys("绿 子") == ("lvzi", "lz")  # ü as v, spaces ignored
    assert pinyin.name_keys("曾长荣") == ("zengchangrong", "zcr")  # surname and given-name readings
    assert pinyin.name_keys("阿依古丽·买买提") == ("ayiguli·maimaiti", "aygl·mmt")
    assert pinyin.name_keys("Alice王") == ("alicewang", "alicew")
    assert pinyin.reading("𠀀") == "he"  # CJK extension B is covered
