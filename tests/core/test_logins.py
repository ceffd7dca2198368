"""Issue 11 "Logins": a lockout shared by the console, the admin and the API token; the
password validators; tokens revoked by a password change, by DELETE /auth/token, and
expired ones swept."""
import time_machine
from django.test import Client

from aftersales.core.api import issue_token, sweep_expired_tokens
from aftersales.core.models import ApiToken, RateCounter
from aftersales.network.models import User

RIGHT = "pass12345"


def _token(anon_api, password, **extra):
    return anon_api.post("/auth/token", {"username": "hotline", "password": password}, **extra)


def test_five_wrong_passwords_lock_the_api_login_and_the_right_one_is_refused(anon_api,
                                                                                agent, settings):
    with time_machine.travel("2026-11-23 10:00:00 +0800", tick=False):
        codes = [_token(anon_api, f"wrong{n}").status_code for n in range(5)]
        locked = _token(anon_api, RIGHT)
    assert codes == [401] * 5
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "login_locked"
    assert 1 <= int(locked["Retry-After"]) <= settings.LOGIN_LOCKOUT_SECONDS
    assert not ApiToken.objects.exists()
    # the lock ends with its window
    with time_machine.travel("2026-11-23 10:15:01 +0800", tick=False):
        assert _token(anon_api, RIGHT).status_code == 200


def test_the_console_login_shares_the_same_lock(anon_api, agent):
    web = Client()
    with time_machine.travel("2026-11-23 10:00:00 +0800", tick=False):
        for n in range(3):
            _token(anon_api, f"wrong{n}")
        for n in range(2):
            response = web.post("/login/", {"username": "hotline", "password": f"bad{n}"})
            assert response.status_code == 200  # the form again, not signed in
        response = web.post("/login/", {"username": "hotline", "password": RIGHT})
    assert response.status_code == 200
    assert "_auth_user_id" not in web.session
    assert "登录失败次数过多" in response.content.decode()


def test_the_admin_login_is_locked_too(agent):
    agent.is_staff = True
    agent.save()
    web = Client()
    with time_machine.travel("2026-11-23 10:00:00 +0800", tick=False):
        for n in range(5):
            web.post("/admin/login/", {"username": "hotline", "password": f"bad{n}"})
        response = web.post("/admin/login/?next=/admin/", {"username": "hotline",
                                                           "password": RIGHT})
    assert response.status_code == 200
    assert "_auth_user_id" not in web.session


def test_one_address_trying_many_usernames_is_locked(anon_api, agent, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 4
    with time_machine.travel("2026-11-23 10:00:00 +0800", tick=False):
        codes = [anon_api.post("/auth/token", {"username": f"user{n}", "password": "x"},
                               REMOTE_ADDR="10.9.9.9").status_code for n in range(4)]
        locked = _token(anon_api, RIGHT, REMOTE_ADDR="10.9.9.9")
        elsewhere = _token(anon_api, RIGHT, REMOTE_ADDR="10.9.9.10")
    assert codes == [401] * 4
    assert locked.status_code == 429
    assert elsewhere.status_code == 200


def test_a_right_password_clears_the_count(anon_api, agent):
    with time_machine.travel("2026-11-23 10:00:00 +0800", tick=False):
        for n in range(4):
            _token(anon_api, f"wrong{n}")
        assert _token(anon_api, RIGHT).status_code == 200
        codes = [_token(anon_api, f"again{n}").status_code for n in range(4)]
        assert _token(anon_api, RIGHT).status_code == 200
    assert codes == [401] * 4


def test_the_counts_live_in_the_database_without_redis(anon_api, agent, settings):
    settings.RATE_LIMIT_REDIS_URL = ""
    _token(anon_api, "wrong")
    assert RateCounter.objects.filter(bucket__contains="login:user:hotline").get().count == 1


def test_weak_passwords_are_refused_when_staff_are_created(admin_api, hq):
    for password, why in (("12345678", "short"), ("password12", "common"),
                          ("3141592653589", "numeric"), ("wangfang88", "like the username")):
        response = admin_api.post("/staff", {"username": "wangfang88", "password": password,
                                             "name": "王芳", "role": "agent",
                                             "service_point": hq.pk})
        assert response.status_code == 422, why
        assert response.json()["error"]["field"] == "password"
        assert response.json()["error"]["code"] == "weak_password"
    assert not User.objects.filter(username="wangfang88").exists()


def test_a_password_change_revokes_every_token(api_for, agent):
    first, second = api_for(agent), api_for(agent)
    assert first.get("/customers").status_code == 200
    # when
    agent.set_password("a-new-long-pass")
    agent.save()
    # then
    assert first.get("/customers").status_code == 401
    assert second.get("/customers").status_code == 401
    assert not ApiToken.objects.filter(user=agent).exists()


def test_delete_auth_token_revokes_the_token_it_is_signed_with(api_for, agent):
    this, other = api_for(agent), api_for(agent)
    response = this.client.delete("/api/v1/auth/token", **this.headers)
    assert response.status_code == 204
    assert this.get("/customers").status_code == 401
    assert other.get("/customers").status_code == 200
    assert ApiToken.objects.filter(user=agent).count() == 1


def test_expired_tokens_stop_working_and_are_swept(api_for, agent, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    with time_machine.travel("2026-11-01 10:00:00 +0800", tick=False):
        old = issue_token(agent)
    with time_machine.travel("2026-11-20 10:00:00 +0800", tick=False):
        fresh = issue_token(agent)
    with time_machine.travel("2026-12-02 10:00:00 +0800", tick=False):
        client = Client()
        assert client.get("/api/v1/customers",
                          HTTP_AUTHORIZATION=f"Bearer {old}").status_code == 401
        assert client.get("/api/v1/customers",
                          HTTP_AUTHORIZATION=f"Bearer {fresh}").status_code == 200
        assert sweep_expired_tokens() == 1
        assert sweep_expired_tokens() == 0
    assert ApiToken.objects.filter(user=agent).count() == 1
