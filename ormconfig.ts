import "reflect-metadata";
import { DataSource } from "typeorm";
import { dataSourceOptions, parseDatabaseUrl } from "./src/db/datasource";

/**
 * For the TypeORM CLI: the data source DATABASE_URL describes. The service itself builds its data
 * source in src/app.ts (from src/db/datasource.ts), so a bad DATABASE_URL is reported there as a
 * message, not as an exception thrown while this module loads.
 */
export default new DataSource(dataSourceOptions(parseDatabaseUrl(process.env.DATABASE_URL)));
