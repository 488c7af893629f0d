"""The SDK scenario for Infisical's Python SDK (`infisicalsdk`), run by `cargo xtask sdks`.

Environment: INFISICAL_URL (a mini-infisical started with SDK_SEED), SDK_SEED (the seed file).
Prints one `RESULT {json}` line per step and exits 1 when a step fails.
"""

import json
import os
import sys
import traceback

from infisical_sdk import InfisicalSDKClient
from infisical_sdk.infisical_requests import APIError

URL = os.environ["INFISICAL_URL"]
SEED = json.load(open(os.environ["SDK_SEED"]))
PROJECT = SEED["projects"][0]["id"]
ADMIN, READER = SEED["identities"][0], SEED["identities"][1]

failed = 0


def step(name, how="sdk"):
    def run(body):
        global failed
        try:
            detail = body() or ""
            print("RESULT " + json.dumps({"step": name, "ok": True, "how": how, "detail": detail}), flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is reported as the step's
            failed += 1
            detail = f"{type(e).__name__}: {e}"
            print(traceback.format_exc(), file=sys.stderr)
            print("RESULT " + json.dumps({"step": name, "ok": False, "how": how, "detail": detail}), flush=True)
        return body

    return run


def eq(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def status_of(call):
    """The HTTP status of the APIError `call` raises (or an assertion error when it succeeds)."""
    try:
        call()
    except APIError as e:
        return e.status_code, str(e)
    raise AssertionError("the call succeeded")


def client():
    return InfisicalSDKClient(host=URL, cache_ttl=None)


admin = client()
reader = client()
state = {}


@step("login")
def _():
    answer = admin.auth.universal_auth.login(client_id=ADMIN["clientId"], client_secret=ADMIN["clientSecret"])
    state["token"] = answer.accessToken
    reader.auth.universal_auth.login(client_id=READER["clientId"], client_secret=READER["clientSecret"])
    eq(answer.tokenType, "Bearer", "tokenType")
    eq(answer.expiresIn, 7200, "expiresIn")
    # The SDK declares `expiresIn: int`; Infisical writes an integer.
    eq(type(answer.expiresIn), int, "type of expiresIn")


@step("token renewal", how="SDK transport (the SDK has no renew call)")
def _():
    renewed = admin.api.post(path="/api/v1/auth/token/renew", json={"accessToken": state["token"]}, model=dict).data
    eq(renewed["accessToken"], state["token"], "renewed token")
    eq(renewed["expiresIn"], 7200, "expiresIn")
    admin.secrets.get_secret_by_name("DB_HOST", project_id=PROJECT, environment_slug="dev", secret_path="/")


@step("list (recursive, with imports)")
def _():
    listed = admin.secrets.list_secrets(project_id=PROJECT, environment_slug="dev", secret_path="/",
                                        recursive=True, include_imports=True)
    values = {s.secretKey: s.secretValue for s in listed.secrets}
    for key, value in {"DB_HOST": "db.internal", "DB_URL": "postgres://db.internal:5432/app",
                       "APP_NAME": "mini", "GREETING": "hello mini"}.items():
        eq(values.get(key), value, key)
    paths = {s.secretKey: s.secretPath for s in listed.secrets}
    eq(paths.get("APP_NAME"), "/app", "APP_NAME's path")
    eq([(i.environment, i.secretPath) for i in listed.imports], [("staging", "/shared")], "imports")
    return f"{len(listed.secrets)} secrets, {len(listed.imports)} import"


@step("get")
def _():
    secret = admin.secrets.get_secret_by_name("DB_HOST", project_id=PROJECT, environment_slug="dev", secret_path="/")
    eq(secret.secretValue, "db.internal", "value")
    eq(secret.version, 1, "version")


@step("create")
def _():
    secret = admin.secrets.create_secret_by_name("SDK_KEY", project_id=PROJECT, environment_slug="dev",
                                                 secret_path="/", secret_value="v1", secret_comment="made by python")
    eq((secret.secretKey, secret.secretValue, secret.version), ("SDK_KEY", "v1", 1), "created")
    got = admin.secrets.get_secret_by_name("SDK_KEY", project_id=PROJECT, environment_slug="dev", secret_path="/")
    eq((got.secretValue, got.secretComment), ("v1", "made by python"), "read back")


@step("update value")
def _():
    secret = admin.secrets.update_secret_by_name("SDK_KEY", project_id=PROJECT, environment_slug="dev",
                                                 secret_path="/", secret_value="v2")
    eq((secret.secretValue, secret.version), ("v2", 2), "updated")
    got = admin.secrets.get_secret_by_name("SDK_KEY", project_id=PROJECT, environment_slug="dev", secret_path="/")
    eq(got.secretValue, "v2", "read back")


@step("rename without a value")
def _():
    secret = admin.secrets.update_secret_by_name("SDK_KEY", project_id=PROJECT, environment_slug="dev",
                                                 secret_path="/", new_secret_name="SDK_KEY_RENAMED")
    eq((secret.secretKey, secret.secretValue), ("SDK_KEY_RENAMED", "v2"), "renamed")
    got = admin.secrets.get_secret_by_name("SDK_KEY_RENAMED", project_id=PROJECT, environment_slug="dev",
                                           secret_path="/")
    eq(got.secretValue, "v2", "value kept")
    code, _ = status_of(lambda: admin.secrets.get_secret_by_name("SDK_KEY", project_id=PROJECT,
                                                                 environment_slug="dev", secret_path="/"))
    eq(code, 404, "old name")


@step("delete")
def _():
    secret = admin.secrets.delete_secret_by_name("SDK_KEY_RENAMED", project_id=PROJECT, environment_slug="dev",
                                                 secret_path="/")
    eq(secret.secretKey, "SDK_KEY_RENAMED", "deleted")
    code, _ = status_of(lambda: admin.secrets.get_secret_by_name("SDK_KEY_RENAMED", project_id=PROJECT,
                                                                 environment_slug="dev", secret_path="/"))
    eq(code, 404, "after delete")


@step("missing secret (404)")
def _():
    code, message = status_of(lambda: admin.secrets.get_secret_by_name("NO_SUCH_SECRET", project_id=PROJECT,
                                                                       environment_slug="dev", secret_path="/"))
    eq(code, 404, "status")
    if "NO_SUCH_SECRET" not in message:
        raise AssertionError(f"message does not name the secret: {message}")
    return message


@step("forbidden write (403)")
def _():
    code, message = status_of(lambda: reader.secrets.create_secret_by_name(
        "READER_KEY", project_id=PROJECT, environment_slug="dev", secret_path="/", secret_value="x"))
    eq(code, 403, "status")
    return message


@step("folders create and list")
def _():
    folder = admin.folders.create_folder(name="python", environment_slug="dev", project_id=PROJECT, path="/app")
    eq((folder.name, folder.path), ("python", "/app/python"), "created")
    top = admin.folders.list_folders(project_id=PROJECT, environment_slug="dev", path="/")
    eq(sorted(f.name for f in top.folders), ["app"], "folders of /")
    deep = admin.folders.list_folders(project_id=PROJECT, environment_slug="dev", path="/", recursive=True)
    eq(sorted(f.relativePath for f in deep.folders), ["/app", "/app/python"], "folders below /")
    admin.secrets.create_secret_by_name("IN_FOLDER", project_id=PROJECT, environment_slug="dev",
                                        secret_path="/app/python", secret_value="yes")
    got = admin.secrets.get_secret_by_name("IN_FOLDER", project_id=PROJECT, environment_slug="dev",
                                           secret_path="/app/python")
    eq(got.secretValue, "yes", "secret in the new folder")


@step("imports")
def _():
    listed = admin.secrets.list_secrets(project_id=PROJECT, environment_slug="dev", secret_path="/",
                                        include_imports=True)
    eq(len(listed.imports), 1, "imports")
    # The SDK leaves the secrets of an import as plain dictionaries.
    imported = {s["secretKey"]: s["secretValue"] for s in listed.imports[0].secrets}
    eq(imported, {"SHARED_TOKEN": "tok-123", "SHARED_HOST": "shared.internal",
                  "SHARED_URL": "https://shared.internal", "DB_HOST": "shadowed-by-dev"}, "imported secrets")
    local = {s.secretKey: s.secretValue for s in listed.secrets}
    eq(local["DB_HOST"], "db.internal", "the local secret beside the imported one")
    got = admin.secrets.get_secret_by_name("SHARED_TOKEN", project_id=PROJECT, environment_slug="dev",
                                           secret_path="/", include_imports=True)
    eq((got.secretValue, got.environment), ("tok-123", "staging"), "read through the import")
    without = admin.secrets.list_secrets(project_id=PROJECT, environment_slug="dev", secret_path="/",
                                         include_imports=False)
    eq(without.imports, [], "imports when not asked for")


@step("secret references")
def _():
    def get(who, key, path="/"):
        return who.secrets.get_secret_by_name(key, project_id=PROJECT, environment_slug="dev", secret_path=path)

    eq(get(admin, "DB_URL").secretValue, "postgres://db.internal:5432/app", "${KEY}")
    eq(get(admin, "API_URL").secretValue, "https://api.staging.internal/v1", "${env.path.KEY}")
    eq(get(admin, "GREETING", "/app").secretValue, "hello mini", "${KEY} in a folder")
    eq(get(admin, "PROD_PASSWORD_REF").secretValue, "hunter2", "${prod.KEY} for the admin")
    raw = admin.secrets.get_secret_by_name("DB_URL", project_id=PROJECT, environment_slug="dev", secret_path="/",
                                           expand_secret_references=False)
    eq(raw.secretValue, "postgres://${DB_HOST}:${DB_PORT}/app", "unexpanded when not asked")
    # The reader may read dev and staging, not prod.
    eq(get(reader, "DB_URL").secretValue, "postgres://db.internal:5432/app", "reader ${KEY}")
    listed = reader.secrets.list_secrets(project_id=PROJECT, environment_slug="dev", secret_path="/")
    values = {s.secretKey: s.secretValue for s in listed.secrets}
    eq(values["API_URL"], "https://api.staging.internal/v1", "reader ${staging.backend.KEY} in a list")
    eq(values["PROD_PASSWORD_REF"], "${prod.PASSWORD}", "reader ${prod.KEY} in a list (not expanded)")
    code, _ = status_of(lambda: get(reader, "PROD_PASSWORD_REF"))
    eq(code, 403, "reader ${prod.KEY} read alone")


sys.exit(1 if failed else 0)
