# charthouse's own image: the CLI on Node 20 with the pinned helm (the updater's image, too).
# The base is a build argument, so the tests can build it from a local base image.
ARG NODE_IMAGE=node:20-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json charthouse.schema.json ./
COPY bin/ bin/
COPY scripts/ scripts/
COPY src/ src/
RUN npx tsc -p tsconfig.build.json && node scripts/install-helm.mjs

FROM ${NODE_IMAGE} AS charthouse
WORKDIR /opt/charthouse
COPY --from=build /src/package.json /src/charthouse.schema.json ./
COPY --from=build /src/bin/ bin/
COPY --from=build /src/dist/ dist/
COPY --from=build /src/node_modules/ node_modules/
RUN cp node_modules/.cache/charthouse/helm/helm /usr/local/bin/helm \
 && cp node_modules/.cache/charthouse/kubectl/kubectl /usr/local/bin/kubectl \
 && ln -s /opt/charthouse/bin/charthouse.js /usr/local/bin/charthouse
USER 65532:65532
ENTRYPOINT ["charthouse"]
CMD ["--help"]
