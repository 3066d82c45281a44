"""The API on the wire: models, the error tree, retries and the HTTP client. Internal: import from
`mixpanel_connectors`."""
