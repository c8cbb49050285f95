"""Loading: paths to files, files to YAML node trees and plain data, data to Argo documents."""
