// The one way a project's files are read (issue 22): the interface and its path type are pure; the disk's
// implementation is the CLI's (a map for tests is in test/kit); the Dagger module implements it over its source
// Directory.
export {
  projectPath,
  inFolder,
  readText,
  withinRoot,
  type ProjectEntry,
  type ProjectFiles,
  type ProjectPath,
} from "./project-files.js";
export { projectFilesOnDisk } from "./on-disk.js";
