import { TenantApiKey } from "./modules/tenant/api-key.entity";
import { Tenant } from "./modules/tenant/tenant.entity";
import { Contact } from "./modules/user/contact.entity";
import { User } from "./modules/user/user.entity";

/** Every TypeORM entity of the service. */
export const ENTITIES = [Tenant, TenantApiKey, User, Contact];
