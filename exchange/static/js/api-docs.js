// Starts Swagger UI on the API page, with the description URL the page names.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle === "undefined") return;
  window.ui = SwaggerUIBundle({
    url: root.dataset.descriptionUrl,
    domNode: root,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // Try-it-out requests carry the token typed into "Authorize", never the session's
    // cookie alone: a cookie session's POSTs would need the CSRF token.
    withCredentials: false,
  });
})();
