// The SDK scenario for Infisical's Node SDK (`@infisical/sdk`), run by `cargo xtask sdks`.
//
// Environment: INFISICAL_URL (a mini-infisical started with SDK_SEED), SDK_SEED (the seed file).
// Prints one `RESULT {json}` line per step and exits 1 when a step fails.

import { readFileSync } from "node:fs";
import { InfisicalSDK } from "@infisical/sdk";

const URL = process.env.INFISICAL_URL;
const SEED = JSON.parse(readFileSync(process.env.SDK_SEED, "utf8"));
const projectId = SEED.projects[0].id;
const [ADMIN, READER] = SEED.identities;

let failed = 0;

async function step(name, body, how = "sdk") {
  try {
    const detail = (await body()) ?? "";
    console.log("RESULT " + JSON.stringify({ step: name, ok: true, how, detail }));
  } catch (e) {
    failed += 1;
    console.error(e);
    console.log("RESULT " + JSON.stringify({ step: name, ok: false, how, detail: String(e && e.message) }));
  }
}

function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}

// The status an SDK error carries: `[StatusCode=404]` in its message.
async function statusOf(call) {
  try {
    await call();
  } catch (e) {
    const m = /\[StatusCode=(\d+)\]/.exec(String(e && e.message));
    if (!m) throw new Error(`an error without a status: ${e && e.message}`);
    return [Number(m[1]), e.message];
  }
  throw new Error("the call succeeded");
}

const admin = new InfisicalSDK({ siteUrl: URL });
const reader = new InfisicalSDK({ siteUrl: URL });
const dev = { projectId, environment: "dev", secretPath: "/" };

await step("login", async () => {
  await admin.auth().universalAuth.login({ clientId: ADMIN.clientId, clientSecret: ADMIN.clientSecret });
  await reader.auth().universalAuth.login({ clientId: READER.clientId, clientSecret: READER.clientSecret });
  if (!admin.auth().getAccessToken()) throw new Error("no access token after login");
});

await step("token renewal", async () => {
  const before = admin.auth().getAccessToken();
  await admin.auth().universalAuth.renew();
  eq(admin.auth().getAccessToken(), before, "renewed token");
  await admin.secrets().getSecret({ ...dev, secretName: "DB_HOST" });
});

await step("list (recursive, with imports)", async () => {
  const secrets = await admin.secrets().listSecretsWithImports({ ...dev, recursive: true });
  const values = Object.fromEntries(secrets.map((s) => [s.secretKey, s.secretValue]));
  eq(values.DB_HOST, "db.internal", "DB_HOST (the local one wins over the import)");
  eq(values.DB_URL, "postgres://db.internal:5432/app", "DB_URL");
  eq(values.APP_NAME, "mini", "APP_NAME");
  eq(values.GREETING, "hello mini", "GREETING");
  eq(values.SHARED_TOKEN, "tok-123", "SHARED_TOKEN (imported)");
  return `${secrets.length} secrets`;
});

await step("get", async () => {
  const secret = await admin.secrets().getSecret({ ...dev, secretName: "DB_HOST" });
  eq([secret.secretValue, secret.version], ["db.internal", 1], "DB_HOST");
});

await step("create", async () => {
  const { secret } = await admin.secrets().createSecret("NODE_KEY", { ...dev, secretValue: "v1", secretComment: "made by node" });
  eq([secret.secretKey, secret.secretValue, secret.version], ["NODE_KEY", "v1", 1], "created");
  const got = await admin.secrets().getSecret({ ...dev, secretName: "NODE_KEY" });
  eq([got.secretValue, got.secretComment], ["v1", "made by node"], "read back");
});

await step("update value", async () => {
  const { secret } = await admin.secrets().updateSecret("NODE_KEY", { ...dev, secretValue: "v2" });
  eq([secret.secretValue, secret.version], ["v2", 2], "updated");
  const got = await admin.secrets().getSecret({ ...dev, secretName: "NODE_KEY" });
  eq(got.secretValue, "v2", "read back");
});

await step("rename without a value", async () => {
  const { secret } = await admin.secrets().updateSecret("NODE_KEY", { ...dev, newSecretName: "NODE_KEY_RENAMED" });
  eq([secret.secretKey, secret.secretValue], ["NODE_KEY_RENAMED", "v2"], "renamed");
  const got = await admin.secrets().getSecret({ ...dev, secretName: "NODE_KEY_RENAMED" });
  eq(got.secretValue, "v2", "value kept");
  const [code] = await statusOf(() => admin.secrets().getSecret({ ...dev, secretName: "NODE_KEY" }));
  eq(code, 404, "old name");
});

await step("delete", async () => {
  const { secret } = await admin.secrets().deleteSecret("NODE_KEY_RENAMED", dev);
  eq(secret.secretKey, "NODE_KEY_RENAMED", "deleted");
  const [code] = await statusOf(() => admin.secrets().getSecret({ ...dev, secretName: "NODE_KEY_RENAMED" }));
  eq(code, 404, "after delete");
});

await step("missing secret (404)", async () => {
  const [code, message] = await statusOf(() => admin.secrets().getSecret({ ...dev, secretName: "NO_SUCH_SECRET" }));
  eq(code, 404, "status");
  if (!message.includes("NO_SUCH_SECRET")) throw new Error(`message does not name the secret: ${message}`);
  return message;
});

await step("forbidden write (403)", async () => {
  const [code, message] = await statusOf(() => reader.secrets().createSecret("READER_KEY", { ...dev, secretValue: "x" }));
  eq(code, 403, "status");
  return message;
});

await step("folders create and list", async () => {
  const folder = await admin.folders().create({ projectId, environment: "dev", path: "/app", name: "node" });
  eq(folder.name, "node", "created");
  const top = await admin.folders().listFolders({ projectId, environment: "dev", path: "/" });
  eq(top.map((f) => f.name).sort(), ["app"], "folders of /");
  const deep = await admin.folders().listFolders({ projectId, environment: "dev", path: "/", recursive: true });
  eq(deep.map((f) => f.relativePath).sort(), ["/app", "/app/node"], "folders below /");
  await admin.secrets().createSecret("IN_FOLDER", { ...dev, secretPath: "/app/node", secretValue: "yes" });
  const got = await admin.secrets().getSecret({ ...dev, secretPath: "/app/node", secretName: "IN_FOLDER" });
  eq(got.secretValue, "yes", "secret in the new folder");
});

await step("imports", async () => {
  const res = await admin.secrets().listSecrets({ ...dev, includeImports: true });
  eq(res.imports.map((i) => [i.environment, i.secretPath]), [["staging", "/shared"]], "imports");
  const imported = Object.fromEntries(res.imports[0].secrets.map((s) => [s.secretKey, s.secretValue]));
  eq(imported, { SHARED_TOKEN: "tok-123", SHARED_HOST: "shared.internal", SHARED_URL: "https://shared.internal", DB_HOST: "shadowed-by-dev" }, "imported secrets");
  const merged = await admin.secrets().listSecretsWithImports(dev);
  eq(merged.find((s) => s.secretKey === "DB_HOST").secretValue, "db.internal", "the local secret wins");
  const without = await admin.secrets().listSecrets({ ...dev, includeImports: false });
  eq(without.imports, [], "imports when not asked for");
});

await step("secret references", async () => {
  const get = async (who, secretName, secretPath = "/") => (await who.secrets().getSecret({ ...dev, secretPath, secretName })).secretValue;
  eq(await get(admin, "DB_URL"), "postgres://db.internal:5432/app", "${KEY}");
  eq(await get(admin, "API_URL"), "https://api.staging.internal/v1", "${env.path.KEY}");
  eq(await get(admin, "GREETING", "/app"), "hello mini", "${KEY} in a folder");
  eq(await get(admin, "PROD_PASSWORD_REF"), "hunter2", "${prod.KEY} for the admin");
  const raw = await admin.secrets().getSecret({ ...dev, secretName: "DB_URL", expandSecretReferences: false });
  eq(raw.secretValue, "postgres://${DB_HOST}:${DB_PORT}/app", "unexpanded when not asked");
  eq(await get(reader, "DB_URL"), "postgres://db.internal:5432/app", "reader ${KEY}");
  const { secrets } = await reader.secrets().listSecrets(dev);
  const values = Object.fromEntries(secrets.map((s) => [s.secretKey, s.secretValue]));
  eq(values.API_URL, "https://api.staging.internal/v1", "reader ${staging.backend.KEY} in a list");
  eq(values.PROD_PASSWORD_REF, "${prod.PASSWORD}", "reader ${prod.KEY} in a list (not expanded)");
  const [code] = await statusOf(() => reader.secrets().getSecret({ ...dev, secretName: "PROD_PASSWORD_REF" }));
  eq(code, 403, "reader ${prod.KEY} read alone");
});

process.exit(failed ? 1 : 0);
