"""Dashboard figures and work reports for a whole district on PostgreSQL: 200 communities,
10,000,000 requests over three years.

    DATABASE_URL=postgres://root@127.0.0.1:5432/loudong_bench_district \\
        .venv/bin/python benchmarks/stats_district.py [--reuse] [--generate-only] [--queue-only] [--requests 10000000]

The database named in DATABASE_URL (default above; created when missing) is dedicated to the
benchmark: without --reuse its generated district is deleted and built again. With --reuse the data
already there is kept, and an interrupted load resumes with the first community not fully loaded.

Generation: 12 subdistricts of 石鼓区, 200 communities of 15 to 45 buildings (3 stairwells of 21
households each), 6 to 12 building groups and their members per community; community sizes vary
(log-normal), so requests per community range from about 20,000 to 130,000. The requests are made
on the server, one INSERT ... SELECT over generate_series per community (GENERATE_SQL: the same
life as History in stats_community.py draws in Python: timings, statuses, ratings, reopenings,
rejections, merges, escalations, lateness, cut at the present), two communities at a time, with the
secondary indexes and foreign keys of the request table dropped during the load and built again
afterwards, then VACUUM ANALYZE. No timeline events are written (no figure reads them).

Then it counts the tallies of the finished requests (`loudong stats_rebuild`, timed; not with
--skip-rebuild) and prints the latency of `loudong.stats.compute.figures` (what each dashboard calls)
per level, group, community, subdistrict and district, for the last year and month and for a year and
a month cut mid-month (p50/p95 over --repeats calls; target p50 under 300 ms), then the same for the
subdistrict's and the district's dashboard pages as their overseer opens them, the leader's queue
page (/c/<code>/requests/, its new and overdue tabs) in the largest community, and the time to build
the work report as .docx and .pdf for a community and for the district. Pages are fetched with
Django's test client in this process (no network).

Last, the district dashboard's first view after a restart, in a new process (--first-view): Django
set up and its URLs and templates prepared as gunicorn's master does before it forks a worker
(loudong.ops.warmup), a new database connection, then the first
GET of the district's dashboard timed, and its warm p50 after. PostgreSQL itself is not restarted
(its shared buffers and the OS page cache stay as the rebuild and the measurements left them; no
pg_prewarm). The PostgreSQL settings in force are printed first.
"""

import argparse
import math
import os
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from stats_community import (
    DAY,
    SHANGHAI_OFFSET,
    build_community,
    last_periods,
    latency,
    measure_levels,
    measure_reports,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://root@127.0.0.1:5432/loudong_bench_district"
DISTRICT_CODE = "bench-district"
SUBDISTRICTS = (
    "人民街道",
    "潇湘街道",
    "五一街道",
    "青山街道",
    "合江街道",
    "黄沙湾街道",
    "石鼓街道",
    "角山街道",
    "松木街道",
    "金源街道",
    "高新街道",
    "园丁街道",
)
COMMUNITY_WORDS = (
    "西湖",
    "东风",
    "北门",
    "学宫",
    "船山",
    "中山",
    "雁城",
    "石鼓",
    "青草",
    "潇湘",
    "蒸湘",
    "合江",
    "来雁",
    "回雁",
    "红旗",
    "建设",
    "胜利",
    "光明",
    "和平",
    "新华",
)
COMMUNITY_SUFFIXES = ("新村", "", "里", "苑", "坪", "湾", "园", "桥", "路")


def setup(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LOUDONG_DATA_DIR", "/tmp/ld-bench-district")
    os.environ.setdefault("LOUDONG_SECRET_KEY", "benchmark-only-stats-district-key-0000000000000000")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # the pages name the hashed files


def community_sizes(total: int, count: int, rng: random.Random) -> list[int]:
    weights = [rng.lognormvariate(0, 0.45) for _ in range(count)]
    scale = total / sum(weights)
    sizes = [int(w * scale) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def build_registry(count: int, rng: random.Random) -> None:
    from loudong.registry.models import District, Subdistrict

    district = District.objects.create(name="石鼓区", code=DISTRICT_CODE)
    subs = [
        Subdistrict.objects.create(district=district, name=n, code=f"bench-sub-{i:02d}")
        for i, n in enumerate(SUBDISTRICTS)
    ]
    began = time.perf_counter()
    for i in range(count):
        name = f"{COMMUNITY_WORDS[i % 20]}{COMMUNITY_SUFFIXES[i // 20 % 9]}社区"
        if i >= 180:
            name = f"{COMMUNITY_WORDS[i % 20]}{i // 20}社区"
        build_community(
            subs[i % len(subs)],
            i,
            f"bench-c{i:03d}",
            name,
            buildings=rng.randint(15, 45),
            groups=rng.randint(6, 12),
            members_per_group=rng.randint(6, 10),
            rng=rng,
        )
        if i % 20 == 19:
            print(f"  registry: {i + 1} communities, {time.perf_counter() - began:.0f} s", flush=True)


def plans(total: int) -> list[tuple[int, int, tuple[int, int]]]:
    """(index, first id, (community id, requests)) per community, in a fixed order."""
    from loudong.registry.models import Community

    communities = list(
        Community.objects.filter(code__startswith="bench-c").order_by("code").values_list("pk", flat=True)
    )
    sizes = community_sizes(total, len(communities), random.Random(2026))
    out, first = [], 1
    for index, (community_id, size) in enumerate(zip(communities, sizes, strict=True)):
        out.append((index, first, (community_id, size)))
        first += size
    return out


DEFERRED_TABLE = "bench_deferred_ddl"


def defer_ddl(conn: object) -> None:
    """Drop the request and event tables' secondary indexes and constraints (kept in a table to build
    them again after the load, even if this run is interrupted)."""
    conn.execute(f"CREATE TABLE IF NOT EXISTS {DEFERRED_TABLE} (position serial, statement text)")
    if conn.execute(f"SELECT count(*) FROM {DEFERRED_TABLE}").fetchone()[0]:
        return
    tables = ("tickets_request", "tickets_requestevent")
    constraints = conn.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('f', 'u')",
        [list(tables)],
    ).fetchall()
    indexes = conn.execute(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u', 'f'))",
        [list(tables)],
    ).fetchall()
    for table, name, definition in constraints:
        conn.execute(
            f"INSERT INTO {DEFERRED_TABLE} (statement) VALUES (%s)",
            [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'],
        )
    for _table, _name, definition in indexes:
        conn.execute(f"INSERT INTO {DEFERRED_TABLE} (statement) VALUES (%s)", [definition])
    for table, name, _definition in constraints:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for _table, name, _definition in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    conn.commit()


def restore_ddl(conn: object) -> None:
    conn.execute(f"CREATE TABLE IF NOT EXISTS {DEFERRED_TABLE} (position serial, statement text)")
    statements = conn.execute(f"SELECT position, statement FROM {DEFERRED_TABLE} ORDER BY position").fetchall()
    conn.execute("SET maintenance_work_mem = '1GB'")
    for position, statement in statements:
        began = time.perf_counter()
        conn.execute(statement)
        conn.execute(f"DELETE FROM {DEFERRED_TABLE} WHERE position = %s", [position])
        conn.commit()
        print(f"  {time.perf_counter() - began:6.1f} s  {statement[:110]}", flush=True)


GENERATE_SQL = """
WITH places AS MATERIALIZED (
    SELECT (row_number() OVER (ORDER BY s.id) - 1)::int AS idx, s.building_id, s.id AS stairwell_id, s.group_id,
           coalesce((SELECT array_agg(m.id ORDER BY m.id) FROM registry_member m WHERE m.group_id = s.group_id),
                    (SELECT array_agg(m.id ORDER BY m.id) FROM registry_member m
                     WHERE m.community_id = %(community)s)) AS pool,
           (SELECT array_agg(h.id ORDER BY h.id) FROM registry_household h WHERE h.stairwell_id = s.id) AS homes
    FROM registry_stairwell s WHERE s.community_id = %(community)s
), counted AS (SELECT count(*)::int AS places FROM places),
-- Placement moments: more each year as the community takes to it (the day drawn as r^0.75), 7:00 to 22:00.
drawn AS MATERIALIZED (
    SELECT %(midnight)s + floor(%(days)s * random() ^ 0.75) * 86400 + (7 + 15 * random()) * 3600 AS moment,
           random() AS r_place, random() AS r_cat, random() AS fate, random() AS r1, random() AS r2,
           random() AS r3, random() AS r4, random() AS r5, random() AS r6, random() AS r7, random() AS r8,
           random() AS r9, random() AS r10, random() AS r11
    FROM generate_series(1, %(count)s)
), base AS MATERIALIZED (
    -- A moment later today than now is moved to the day before.
    SELECT %(first)s - 1 + row_number() OVER (ORDER BY d.moment) AS id,
           d.moment - CASE WHEN d.moment >= %(end)s THEN 86400 ELSE 0 END AS c, d.*,
           (CASE WHEN d.r_cat < 0.33 THEN 1 WHEN d.r_cat < 0.60 THEN 2 WHEN d.r_cat < 0.80 THEN 3
                 WHEN d.r_cat < 0.88 THEN 4 WHEN d.r_cat < 0.96 THEN 5 ELSE 6 END) AS cat,
           p.building_id, p.stairwell_id, p.group_id, p.pool, p.homes
    FROM drawn d CROSS JOIN counted n
    JOIN places p ON p.idx = least(floor(d.r_place ^ 1.3 * n.places)::int, n.places - 1)
), fated AS MATERIALIZED (
    -- Each request's whole life, as if nothing stopped at the present: kind, times, outcome.
    SELECT b.*,
           CASE WHEN b.fate < 0.035 THEN 'rejected'
                WHEN b.fate < 0.06 AND b.id > %(first)s THEN 'merged'
                WHEN b.fate > 0.97 AND b.r1 < 0.5 THEN 'escalated'
                ELSE 'dispatched' END AS path,
           (ARRAY[24, 24, 12, 12, 24, 24])[b.cat] * 3600.0 AS response_s,
           (ARRAY[2, 3, 5, 2, 3, 5])[b.cat] * 86400.0 AS days_s,
           b.c + (ARRAY[2, 3, 5, 2, 3, 5])[b.cat] * 1.4 * 86400 + 43200 AS due,
           b.c - ln(1 - b.r2) * 3 * 3600 AS t1,  -- rejected / merged / escalated / dispatched
           b.r3 < 0.11 AS late,
           b.fate > 0.965 AND b.fate <= 0.966 AS stalled,
           b.fate > 0.97 AS escalates,
           b.r5 < 0.9 AS on_time,
           b.r6 <= 0.68 AS rated,
           CASE WHEN b.r7 < 0.8 THEN 'satisfied' WHEN b.r7 < 0.95 THEN 'basic' ELSE 'unsatisfied' END AS rating,
           b.r8 < 0.7 AS reopens_if_unsatisfied
    FROM base b
), timed AS MATERIALIZED (
    SELECT f.*,
           CASE WHEN f.late THEN f.t1 + f.response_s * (1 + 1.5 * f.r4)
                ELSE f.t1 + least(-ln(1 - f.r4) * 4 * 3600, f.response_s * 0.95) END AS t_acc
    FROM fated f
), worked AS MATERIALIZED (
    SELECT t.*,
           CASE WHEN t.path = 'dispatched' AND t.escalates THEN t.t_acc - ln(1 - t.r9) * 86400 END AS t_esc,
           CASE WHEN t.path = 'escalated' THEN t.t1 - ln(1 - t.r9) * 2.5 * 86400 END AS t_res_escalated
    FROM timed t
), resolved AS MATERIALIZED (
    SELECT w.*,
           CASE WHEN w.path = 'escalated' THEN w.t_res_escalated
                WHEN w.path = 'dispatched' AND NOT w.stalled THEN
                    coalesce(w.t_esc, w.t_acc) + CASE
                        WHEN w.on_time THEN w.r10 * greatest(w.due - coalesce(w.t_esc, w.t_acc), 3600) * 0.9
                        ELSE greatest(w.due - coalesce(w.t_esc, w.t_acc), 0) - ln(1 - w.r10) * 1.5 * 86400 END
           END AS t_res
    FROM worked w
), rated AS MATERIALIZED (
    SELECT r.*,
           CASE WHEN r.rated THEN r.t_res - ln(1 - r.r11) * 0.8 * 86400 END AS t_rate,
           r.rated AND r.rating = 'unsatisfied' AND r.reopens_if_unsatisfied AS reopens
    FROM resolved r
), lived AS MATERIALIZED (
    SELECT x.*,
           CASE WHEN x.reopens THEN x.t_rate - ln(1 - x.r1) * 86400 END AS t_res2
    FROM rated x
), now_state AS MATERIALIZED (
    -- Cut at the present: what has happened by %(end)s.
    SELECT l.*,
           l.t1 < %(end)s AS started,
           l.path = 'dispatched' AND l.t_acc < %(end)s AS taken,
           l.t_esc < %(end)s AS escalated_late,
           l.t_res < %(end)s AS resolved_once,
           l.t_rate < %(end)s AS rated_now,
           l.t_res2 < %(end)s AS resolved_again
    FROM lived l
), final AS (
    SELECT s.*,
           CASE
               WHEN NOT s.started THEN 'submitted'
               WHEN s.path IN ('rejected', 'merged') THEN s.path
               WHEN s.path = 'dispatched' AND NOT s.taken THEN 'dispatched'
               WHEN NOT coalesce(s.resolved_once, false) THEN
                   CASE WHEN s.path = 'escalated' OR coalesce(s.escalated_late, false) THEN 'escalated'
                        ELSE 'accepted' END
               WHEN s.reopens AND s.rated_now THEN
                   CASE WHEN NOT s.resolved_again THEN CASE WHEN s.path = 'escalated' THEN 'escalated'
                                                          ELSE 'accepted' END
                        WHEN s.t_res2 + 3 * 86400 < %(end)s THEN 'closed' ELSE 'resolved' END
               WHEN s.rated THEN CASE WHEN s.rated_now THEN 'closed' ELSE 'resolved' END
               WHEN s.t_res + 3 * 86400 < %(end)s THEN 'closed'
               ELSE 'resolved'
           END AS status
    FROM now_state s
)
INSERT INTO tickets_request (
    id, number, room, category_code, category_name, kind, channel, description, contact_name, contact_phone,
    anonymous, tracking_token, status, created_at, updated_at, dispatched_at, accepted_at, resolved_at,
    closed_at, response_due_at, response_late, due_at, remind_at, reminded_at, next_escalation_at,
    escalation_level, paused_at, paused_seconds, question, extension_count, resolution, reply,
    time_spent_minutes, rating, rating_comment, rated_at, reopen_count, support_count, flagged_unreasonable,
    flag_reason, reject_reason, escalate_reason, assignee_id, building_id, community_id, created_by_id,
    group_id, household_id, merged_into_id, resident_id, stairwell_id, scope, public_note)
SELECT
    q.id, 'B' || q.id, '',
    (ARRAY['environment', 'policy', 'hardship', 'safety', 'repair', 'dispute'])[q.cat],
    (ARRAY['环境卫生', '政策咨询', '困难需求', '安全隐患', '设施维修', '邻里纠纷'])[q.cat],
    (ARRAY['help', 'consult', 'help', 'report', 'help', 'complaint'])[q.cat],
    (ARRAY['qr', 'qr', 'visit', 'phone', 'walk_in', 'meeting'])[1 + floor(q.r2 * 6)::int],
    (ARRAY['楼道里堆了很多杂物，请帮忙清理。', '想问一下高龄津贴怎么申请。', '家里老人行动不便，需要帮忙买药。',
           '电动车在楼道里充电，晚上插着线，怕起火。', '楼道灯坏了，晚上看不见。',
           '楼上装修天天打钻，中午也不停。'])[q.cat],
    (ARRAY['王', '李', '张', '刘', '陈', '杨', '赵', '黄'])[1 + floor(q.r3 * 8)::int]
        || (ARRAY['先生', '女士', '阿姨', '师傅'])[1 + floor(q.r4 * 4)::int],
    '139' || lpad(mod(q.id * 7919, 100000000)::text, 8, '0'),
    q.r5 < 0.05, md5('bench' || q.id), q.status,
    to_timestamp(q.c),
    to_timestamp(greatest(q.c, CASE WHEN q.started THEN q.t1 END, CASE WHEN q.taken THEN q.t_acc END,
                          CASE WHEN q.resolved_once THEN q.t_res END, CASE WHEN q.rated_now THEN q.t_rate END)),
    CASE WHEN q.path = 'dispatched' AND q.started THEN to_timestamp(q.t1) END,
    CASE WHEN q.taken THEN to_timestamp(q.t_acc) END,
    CASE WHEN q.status IN ('resolved', 'closed') THEN to_timestamp(coalesce(
        CASE WHEN q.reopens AND q.rated_now THEN q.t_res2 END, q.t_res)) END,
    CASE WHEN q.status IN ('rejected', 'merged') THEN to_timestamp(q.t1)
         WHEN q.status = 'closed' THEN to_timestamp(CASE
             WHEN q.reopens THEN q.t_res2 + 3 * 86400
             WHEN q.rated THEN q.t_rate ELSE q.t_res + 3 * 86400 END) END,
    to_timestamp(CASE WHEN q.path = 'dispatched' AND q.started THEN q.t1 ELSE q.c END + q.response_s),
    q.path = 'dispatched' AND q.late AND q.t1 + q.response_s < %(end)s,
    CASE WHEN q.status IN ('rejected', 'merged') THEN NULL
         WHEN q.reopens AND q.rated_now THEN to_timestamp(q.t_rate + 2.5 * 86400)
         ELSE to_timestamp(q.due) END,
    CASE WHEN q.status NOT IN ('rejected', 'merged') THEN to_timestamp(q.due - q.days_s * 0.35) END,
    NULL, NULL,
    CASE WHEN q.status NOT IN ('rejected', 'merged') AND q.due < least(coalesce(q.t_res, %(end)s), %(end)s)
         THEN 1 ELSE 0 END,
    NULL, 0, '', 0,
    CASE WHEN q.resolved_once THEN CASE WHEN q.path = 'dispatched' AND q.r9 < 0.3 THEN 'online' ELSE 'offline' END
         ELSE '' END,
    CASE WHEN q.resolved_once THEN '已上门查看并处理完毕，居民表示认可。' ELSE '' END,
    CASE WHEN q.resolved_once AND NOT (q.path = 'dispatched' AND q.r9 < 0.15)
         THEN 5 + floor(q.r11 * 115)::int END,
    CASE WHEN q.rated_now THEN q.rating ELSE '' END,
    CASE WHEN q.rated_now THEN (CASE q.rating WHEN 'satisfied' THEN '谢谢，办得很快！' WHEN 'basic' THEN '基本解决了。'
                                ELSE '还没有完全解决。' END) ELSE '' END,
    CASE WHEN q.rated_now THEN to_timestamp(q.t_rate) END,
    CASE WHEN q.reopens AND q.rated_now THEN 1 ELSE 0 END,
    CASE WHEN q.r6 > 0.96 THEN 1 ELSE 0 END, false, '',
    CASE WHEN q.status = 'rejected' THEN '属于物业公司职责，已告知居民物业电话。' ELSE '' END,
    CASE WHEN (q.path = 'escalated' AND q.started) OR q.escalated_late THEN '需要社区协调有关部门，小组无法解决。'
         ELSE '' END,
    CASE WHEN q.path = 'dispatched' AND q.started THEN q.pool[1 + floor(q.r7 * array_length(q.pool, 1))::int] END,
    q.building_id, %(community)s, NULL, q.group_id,
    CASE WHEN q.r8 < 0.75 THEN q.homes[1 + floor(q.r10 * array_length(q.homes, 1))::int] END,
    CASE WHEN q.status = 'merged' THEN q.id - 1 END,
    NULL, q.stairwell_id,
    (ARRAY['shared', 'household', 'household', 'shared', 'shared', 'household'])[q.cat], ''
FROM final q
ORDER BY q.id  -- rows lie in the order they were placed, as in a live table
"""


def load_community(conn: object, index: int, first: int, plan: "tuple[int, int]", start: float, end: float) -> None:
    """One community's requests in one INSERT ... SELECT (one transaction: loaded whole or not at all)."""
    community_id, count = plan
    midnight = start - (start + SHANGHAI_OFFSET) % DAY
    began = time.perf_counter()
    conn.execute("SELECT setseed(%s)", [((index * 7919) % 10000) / 10000.0])
    conn.execute(
        GENERATE_SQL,
        {
            "community": community_id,
            "first": first,
            "count": count,
            "end": end,
            "midnight": midnight,
            "days": math.ceil((end - midnight) / DAY),
        },
    )
    conn.commit()
    print(f"  community {index:3d}: {count} requests in {time.perf_counter() - began:.1f} s", flush=True)


def load(url: str, total: int, years: int, workers: int, resume: bool = True) -> None:
    import psycopg
    from django.db import connection

    end = time.time()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text)")
        cursor.execute("SELECT value FROM bench_meta WHERE key = 'end'")
        stored = cursor.fetchone()
        if stored:
            end = float(stored[0])
        else:
            cursor.execute("INSERT INTO bench_meta VALUES ('end', %s)", [repr(end)])
    start = end - years * 365 * DAY
    jobs = plans(total)
    with psycopg.connect(url) as conn:
        jobs = [
            (index, first, plan)
            for index, first, plan in jobs
            if not conn.execute("SELECT EXISTS (SELECT 1 FROM tickets_request WHERE id = %s)", [first]).fetchone()[0]
        ]
        if not resume and jobs:
            print(f"--measure-as-is: {len(jobs)} communities not loaded stay as they are", flush=True)
            jobs = []
        if jobs:  # indexes are dropped only for a load (and kept dropped until it is done)
            defer_ddl(conn)
    began = time.perf_counter()

    def work(share: list) -> None:
        with psycopg.connect(url) as conn:
            conn.execute("SET synchronous_commit = off")
            conn.execute("SET work_mem = '256MB'")
            for index, first, plan in share:
                load_community(conn, index, first, plan, start, end)

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(work, [jobs[i::workers] for i in range(workers)]))
    loaded = time.perf_counter() - began
    print(f"requests loaded in {loaded:.0f} s; building indexes and constraints", flush=True)
    with psycopg.connect(url) as conn:
        restore_ddl(conn)
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('tickets_request', 'id'), "
            "(SELECT coalesce(max(id), 1) FROM tickets_request))"
        )
        conn.commit()
        began = time.perf_counter()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE tickets_request")
        print(f"VACUUM ANALYZE in {time.perf_counter() - began:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=10_000_000)
    parser.add_argument("--communities", type=int, default=200)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="keep (and finish loading) the generated data")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--skip-rebuild", action="store_true", help="measure with the tallies already there")
    parser.add_argument(
        "--measure-as-is",
        action="store_true",
        help="with --reuse: leave an interrupted load as it is; build the indexes, measure",
    )
    parser.add_argument("--out", default="/tmp/ld-bench-district/reports")
    parser.add_argument("--skip-reports", action="store_true", help="do not build the work reports")
    parser.add_argument("--first-view", action="store_true", help="only the first view in this new process")
    parser.add_argument(
        "--queue-only", action="store_true", help="with --reuse: only the leader's queue (needs no tallies)"
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL 须指向 PostgreSQL 数据库（本基准测试只在 PostgreSQL 上运行）")
    if args.first_view:
        first_view(url, args.repeats)
        return
    setup(url)
    from django.core.management import call_command
    from django.db import connection

    from loudong.registry.models import Community, District
    from loudong.tickets.models import Request

    call_command("migrate", verbosity=0)
    print_settings()
    print(f"database: {connection.settings_dict['NAME']}", flush=True)
    district = District.objects.filter(code=DISTRICT_CODE).first()
    if district is not None and not args.reuse:
        print("deleting the earlier generated district", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_meta")
            cursor.execute("DROP TABLE IF EXISTS bench_deferred_ddl")
        call_command("flush", interactive=False, verbosity=0)
        district = None
    rng = random.Random(20261129)
    if district is None:
        began = time.perf_counter()
        build_registry(args.communities, rng)
        print(f"registry built in {time.perf_counter() - began:.0f} s", flush=True)
    load(url, args.requests, args.years, args.workers, resume=not args.measure_as_is)
    total = Request.objects.count()
    print(f"district: {Community.objects.count()} communities, {total} requests", flush=True)
    if args.generate_only:
        return
    if args.queue_only:
        from django.db.models import Count

        measure_queue(
            Community.objects.filter(subdistrict__district__code=DISTRICT_CODE)
            .annotate(n=Count("requests"))
            .order_by("-n")
            .first(),
            max(args.repeats, 20),
        )
        return
    if not args.skip_rebuild:
        began = time.perf_counter()
        call_command("stats_rebuild")
        with connection.cursor() as cursor:  # as autovacuum would: the visibility map lets indexes answer alone
            for table in (
                "stats_areatally",
                "stats_areatrend",
                "stats_localtally",
                "stats_errandday",
                "stats_errandweek",
                "stats_errandmonth",
                "stats_coveragetally",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
        print(f"stats_rebuild (the tallies of every finished request): {time.perf_counter() - began:.0f} s", flush=True)
    measure(args)


def measure_pages(district: object, subdistrict: object, periods: "list[tuple[str, object]]", repeats: int) -> None:
    """The dashboard pages themselves, as the district's overseer opens them: the view, its figures
    and the template with its charts (Django's test client, no network)."""
    from django.test import Client

    from loudong.accounts.models import Grant, Role, User

    user, _ = User.objects.get_or_create(username="bench-overseer", defaults={"display_name": "区督查"})
    Grant.objects.get_or_create(user=user, role=Role.OVERSEER, district=district)
    client = Client()
    client.force_login(user)
    print(f"dashboard pages, {repeats} requests each (ms):")
    for level, pk in (("subdistrict", subdistrict.pk), ("district", district.pk)):
        for label, period in periods:
            url = f"/stats/{level}/{pk}/?from={period.start}&to={period.end}"
            sizes = []

            def once(url: str = url, sizes: list = sizes) -> None:
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url}: HTTP {response.status_code}")
                sizes.append(len(response.content))

            p50, p95, first = latency(once, repeats)
            print(
                f"  {level:<11} {label:<8} {sizes[-1] // 1024:>4} KB  "
                f"p50 {p50:8.1f}  p95 {p95:8.1f}  first {first:8.1f}"
            )


def measure(args: argparse.Namespace) -> None:
    from django.db.models import Count

    from loudong.groups.models import BuildingGroup
    from loudong.registry.models import Community, District, Subdistrict
    from loudong.stats.period import today
    from loudong.stats.scope import Scope

    district = District.objects.get(code=DISTRICT_CODE)
    subdistrict = Subdistrict.objects.filter(district=district).order_by("code").first()
    sized = list(Community.objects.filter(subdistrict__district=district).annotate(n=Count("requests")).order_by("n"))
    community = sized[len(sized) // 2]
    groups = list(BuildingGroup.objects.filter(community=community).annotate(n=Count("requests")).order_by("n"))
    group = groups[len(groups) // 2]
    print(f"median community {community.name}: {community.n} requests; its median group {group.name}: {group.n}")
    scopes = [
        ("group", Scope.for_group(group)),
        ("community", Scope.for_community(community.code)),
        ("subdistrict", Scope("subdistrict", subdistrict.pk, subdistrict.name)),
        ("district", Scope("district", district.pk, district.name)),
    ]
    periods = last_periods(today())
    measure_levels(scopes, periods, args.repeats)
    measure_pages(district, subdistrict, periods, args.repeats)
    measure_queue(sized[-1], max(args.repeats, 20))
    if not args.skip_reports:
        measure_reports([scopes[1], scopes[3]], periods[0][1], Path(args.out))
    print(
        f"requests per community: min {sized[0].n}, median {community.n}, max {sized[-1].n}; "
        f"{math.fsum(c.n for c in sized):.0f} in all",
        flush=True,
    )
    subprocess.run([sys.executable, __file__, "--first-view", f"--repeats={args.repeats}"], check=True)


PG_SETTINGS = ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "commit_delay", "jit")


def print_settings() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        shown = []
        for name in PG_SETTINGS:
            cursor.execute(f"SHOW {name}")
            shown.append(f"{name} {cursor.fetchone()[0]}")
    print(f"PostgreSQL settings: {', '.join(shown)}", flush=True)


def measure_queue(community: object, repeats: int) -> None:
    """The leader's queue (/c/<code>/requests/) in the largest community, as the leader of its
    busiest group and as its admin opens it."""
    from django.db.models import Count
    from django.test import Client

    from loudong.accounts.models import Grant, Role, User
    from loudong.groups.models import BuildingGroup

    group = BuildingGroup.objects.filter(community=community).annotate(n=Count("requests")).order_by("-n").first()
    print(f"queue pages in the largest community {community.name} ({community.n} requests), {repeats} each (ms):")
    for role, grant in (
        ("leader", {"role": Role.LEADER, "community": community, "group": group}),
        ("admin", {"role": Role.ADMIN, "community": community}),
    ):
        user, _ = User.objects.get_or_create(username=f"bench-{role}-{community.code}")
        Grant.objects.get_or_create(user=user, **grant)
        client = Client()
        client.force_login(user)
        for tab in ("new", "overdue"):

            def once(tab: str = tab, client: Client = client) -> None:
                response = client.get(f"/c/{community.code}/requests/?tab={tab}")
                if response.status_code != 200:
                    raise SystemExit(f"queue: HTTP {response.status_code}")

            p50, p95, first = latency(once, repeats)
            print(f"  {role:<7} tab {tab:<8} p50 {p50:8.1f}  p95 {p95:8.1f}  first {first:8.1f}", flush=True)


def first_view(url: str, repeats: int) -> None:
    """In a new process: the district dashboard's first GET, timed, then its warm p50."""
    setup(url)
    from django.test import Client

    from loudong.accounts.models import Grant, Role, User
    from loudong.ops.warmup import warm_up
    from loudong.registry.models import District

    warm_up()  # what gunicorn's master does before it forks a worker (config/gunicorn.py, pre_fork)
    district = District.objects.get(code=DISTRICT_CODE)
    user, _ = User.objects.get_or_create(username="bench-overseer", defaults={"display_name": "区督查"})
    Grant.objects.get_or_create(user=user, role=Role.OVERSEER, district=district)
    client = Client()
    client.force_login(user)

    def once() -> None:
        response = client.get(f"/stats/district/{district.pk}/")
        if response.status_code != 200:
            raise SystemExit(f"district dashboard: HTTP {response.status_code}")

    p50, _p95, first = latency(once, repeats + 1)
    print(
        f"district dashboard after a restart (a new process and database connection; PostgreSQL's "
        f"caches as they were, no pg_prewarm): first view {first:.0f} ms, then p50 {p50:.0f} ms",
        flush=True,
    )


if __name__ == "__main__":
    main()
