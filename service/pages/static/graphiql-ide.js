/* /graphql in a browser: GraphiQL on this endpoint. Signed in, queries go with the
   session cookie; otherwise set `Authorization: Bearer <token>` in the headers tab. */
(function () {
  "use strict";
  var fetcher = window.GraphiQL.createFetcher({ url: window.location.pathname });
  var root = window.ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(window.React.createElement(window.GraphiQL, {
    fetcher: fetcher,
    defaultEditorToolsVisibility: true,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    inputValueDeprecation: true
  }));
}());
