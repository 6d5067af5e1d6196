"""Rate limits per plan and label, with Zoom's headers and 429 bodies."""

from __future__ import annotations


def test_free_plan_heavy_label_allows_one_per_second(zoom_simulator_factory, api_factory):
    api = api_factory(zoom_simulator_factory(plan="free"))
    uuid = api.encode(api.all_meetings()[0]["uuid"])
    answers = [api.get(f"/report/meetings/{uuid}/participants") for _ in range(3)]
    limited = [r for r in answers if r.status_code == 429]
    assert answers[0].status_code == 200 and limited
    response = limited[0]
    assert response.json()["code"] == 429
    assert response.headers["X-RateLimit-Category"] == "Heavy"
    assert response.headers["X-RateLimit-Type"] == "QPS"
    assert response.headers["Retry-After"] == "1"
    assert response.headers["X-RateLimit-Remaining"] == "0"


def test_labels_have_their_own_buckets(zoom_simulator_factory, api_factory):
    api = api_factory(zoom_simulator_factory(plan="free"))
    first = api.all_meetings()[0]
    uuid = api.encode(first["uuid"])
    api.get(f"/report/meetings/{uuid}/participants")
    heavy = api.get(f"/report/meetings/{uuid}/participants")
    light = api.get(f"/users/{first['host_id']}")
    assert heavy.status_code == 429
    assert light.status_code == 200 and light.headers["X-RateLimit-Category"] == "Light"


def test_plan_limits_are_announced(zoom_simulator_factory, api_factory):
    for plan, expected in (("pro", "20"), ("business", "60")):
        api = api_factory(zoom_simulator_factory(plan=plan))
        assert api.get("/users").headers["X-RateLimit-Limit"] == expected


def test_unlimited_plan_never_limits(zoom_simulator_factory, api_factory):
    api = api_factory(zoom_simulator_factory(plan="unlimited"))
    uuid = api.encode(api.all_meetings()[0]["uuid"])
    statuses = {api.get(f"/report/meetings/{uuid}/participants").status_code for _ in range(30)}
    assert statuses == {200}
