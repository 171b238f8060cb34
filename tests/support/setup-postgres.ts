import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../db/client.server';

// One template per test run, so runs on a shared server do not drop each other's.
const TEMPLATE = `wouldmiss_test_template_${process.pid}`;

/**
 * Creates a migrated template database on the server named by DATABASE_URL;
 * every test file then creates its own database from it (CREATE DATABASE …
 * TEMPLATE, a file copy on the server) and drops it when done.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('The PostgreSQL integration tests need DATABASE_URL.');
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin`select 1`;
  } catch (error) {
    await admin.end();
    throw new Error(`PostgreSQL at DATABASE_URL does not answer: ${(error as Error).message}`);
  }
  await admin.unsafe(`drop database if exists ${TEMPLATE} with (force)`);
  await admin.unsafe(`create database ${TEMPLATE}`);
  const templateUrl = withDatabase(url, TEMPLATE);
  const handle = await openDatabase({ driver: 'postgres', url: templateUrl, maxConnections: 1 });
  await handle.close();
  project.provide('postgresTemplate', TEMPLATE);
  return async () => {
    await admin.unsafe(`drop database if exists ${TEMPLATE} with (force)`);
    await admin.end();
  };
}

/** The same server URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
