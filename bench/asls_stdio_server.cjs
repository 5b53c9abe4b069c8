// amazon-states-language-service as a language server over stdio, the way the AWS Toolkit for
// VS Code serves it: every change of a document is parsed and validated, and its diagnostics
// published with the document's version. For `bench/lsp_latency.mjs`; NODE_PATH names the
// node_modules it is installed in (target/peers).
'use strict'
const { createConnection, TextDocuments, ProposedFeatures, TextDocumentSyncKind } = require('vscode-languageserver/node')
const { TextDocument } = require('vscode-languageserver-textdocument')
const asls = require('amazon-states-language-service')

const connection = createConnection(ProposedFeatures.all)
const documents = new TextDocuments(TextDocument)
const service = asls.getLanguageService({})

connection.onInitialize(() => ({
  capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
  serverInfo: { name: 'amazon-states-language-service', version: require('amazon-states-language-service/package.json').version },
}))

documents.onDidChangeContent(async ({ document }) => {
  const parsed = service.parseJSONDocument(document)
  const diagnostics = await service.doValidation(document, parsed, { comments: 'error', trailingCommas: 'error' })
  connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics })
})

documents.listen(connection)
connection.listen()
