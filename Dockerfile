# charthouse's own image, which is also the updater's: the CLI on Node 20 with the pinned helm
# and kubectl. The base is a build argument, so the tests build it from a local base image.
ARG NODE_IMAGE=node:20-alpine

# From files assembled beforehand (`npm run prepare && npm run pack:image`): a build with no
# network. First in the file: Docker's legacy builder builds every stage before its target.
FROM ${NODE_IMAGE} AS charthouse-prebuilt
COPY .image/ /opt/charthouse/
RUN mkdir -p /usr/local/bin \
 && cp /opt/charthouse/tools/helm /opt/charthouse/tools/kubectl /usr/local/bin/ \
 && ln -s /opt/charthouse/bin/charthouse.js /usr/local/bin/charthouse
USER 65532:65532
ENTRYPOINT ["charthouse"]
CMD ["--help"]

# From source: what the pipeline builds.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json charthouse.schema.json ./
COPY bin/ bin/
COPY scripts/ scripts/
COPY src/ src/
RUN npx tsc -p tsconfig.build.json && node scripts/build-cli.mjs && node scripts/install-helm.mjs && node scripts/pack-image.mjs /out

FROM ${NODE_IMAGE} AS charthouse
COPY --from=build /out/ /opt/charthouse/
RUN mkdir -p /usr/local/bin \
 && cp /opt/charthouse/tools/helm /opt/charthouse/tools/kubectl /usr/local/bin/ \
 && ln -s /opt/charthouse/bin/charthouse.js /usr/local/bin/charthouse
USER 65532:65532
ENTRYPOINT ["charthouse"]
CMD ["--help"]
