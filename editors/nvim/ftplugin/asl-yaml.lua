-- ASL in YAML: highlighted as YAML.
vim.bo.syntax = 'yaml'
if vim.treesitter and vim.treesitter.language and vim.treesitter.language.register then
  pcall(vim.treesitter.language.register, 'yaml', 'asl-yaml')
end
vim.bo.commentstring = '# %s'
