import "./workers";
import "graphiql/style.css";
import "./explorer.css";
import { GraphiQL } from "graphiql";
import { createRoot } from "react-dom/client";
import { examples } from "virtual:examples";
import { Banner } from "./Banner";
import { loadSession, namespacedStorage } from "./session";
import { headersFor, tabsFor, tabFetcher, withoutPlaceholderAuthorization } from "./tabs";

async function start(): Promise<void> {
  const session = await loadSession();
  const fetcher = withoutPlaceholderAuthorization(tabFetcher(session.graphqlPath));
  createRoot(document.getElementById("root")!).render(
    <div className="explorer">
      <Banner session={session} />
      <div className="ide">
        <GraphiQL
          fetcher={fetcher}
          defaultTabs={tabsFor(examples, session)}
          defaultHeaders={headersFor("alice", session)}
          defaultEditorToolsVisibility="headers"
          storage={namespacedStorage(session.generation)}
          shouldPersistHeaders
        />
      </div>
    </div>,
  );
}

void start();
