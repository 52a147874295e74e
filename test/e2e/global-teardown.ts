import * as fs from "node:fs";
import * as path from "node:path";

import {
  E2E_TMP_DIR,
  readServerFile,
  SERVER_FILE,
} from "./support/server-file";

/** Stops the n8n of the global setup and keeps its log in .e2e-tmp/n8n.log for debugging failed runs. */
export default async function globalTeardown(): Promise<void> {
  const server = globalThis.linkrApiE2eServer;
  const connection = readServerFile();
  const logFile = server?.connection.logFile ?? connection?.logFile;
  if (server) {
    await server.stop().finally(() => undefined);
  } else if (connection?.pid) {
    try {
      process.kill(-connection.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  fs.rmSync(SERVER_FILE, { force: true });
  if (logFile && fs.existsSync(logFile)) {
    fs.copyFileSync(logFile, path.join(E2E_TMP_DIR, "n8n.log"));
  }
  const userFolder = server?.connection.userFolder ?? connection?.userFolder;
  if (userFolder) fs.rmSync(userFolder, { recursive: true, force: true });
}
