// The real counterpart of the token service's tests: samlify (an IdP library no one here wrote) signs a SAML 2.0
// Assertion. Reads one JSON request on stdin, writes the signed Assertion XML on stdout:
//   { "xml": "<saml:Assertion …>", "privateKeyPem": "…", "certificatePem": "…", "signatureAlgorithm": "<URI>" }
// The Signature is enveloped, placed after the Issuer, over the Assertion's ID (exclusive c14n), as IdPs do.
'use strict';
const samlify = require('samlify');
const validator = require('@authenio/samlify-node-xmllint');

samlify.setSchemaValidator(validator);

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const request = JSON.parse(input);
  const signed = samlify.SamlLib.constructSAMLSignature({
    rawSamlMessage: request.xml,
    referenceTagXPath: "/*[local-name(.)='Assertion']",
    privateKey: request.privateKeyPem,
    // samlify takes the certificate's base64 body, as its metadata reader hands it over.
    signingCert: request.certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''),
    signatureAlgorithm: request.signatureAlgorithm || 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    isBase64Output: false,
    signatureConfig: {
      prefix: 'ds',
      location: { reference: "/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' },
    },
  });
  process.stdout.write(signed);
});
